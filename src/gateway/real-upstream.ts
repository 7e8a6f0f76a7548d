/**
 * Real mode: each validated request goes to the upstream Proxmox through the HTTP core (keep-alive pool, TLS
 * policy, proxy, timeouts, GET/HEAD-only retries, one shared ticket login), its body up and the reply's body back
 * as streams. Two clients on the same settings: one with the gateway's credentials, one with none, for requests
 * that bring their own.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type ConnectionSettings, HttpError, createClient } from '../http';
import { upstreamHeaders } from './access';
import { upstreamFailure } from './failure';
import type { Upstream } from './upstream';

/** Reply headers that describe the body; hop-by-hop and connection headers are the gateway's own. */
const REPLY_HEADERS = ['content-type', 'content-length', 'content-disposition', 'content-encoding', 'last-modified', 'etag', 'expires'];

function replyHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REPLY_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export function realUpstream(settings: ConnectionSettings, warn: (line: string) => void): Upstream {
  const gateway = createClient(settings, { warn });
  const anonymous = createClient({ ...settings, tokenId: undefined, tokenSecret: undefined, username: undefined, password: undefined, otp: undefined });
  let probe: Promise<boolean> | undefined;

  return {
    async forward(req, api, resolved, access) {
      try {
        const client = access === 'gateway' ? gateway : anonymous;
        const headers = upstreamHeaders(req.headers, access);
        if (api.length !== undefined) headers['content-length'] = api.length;
        const reply = await client.exchange({ method: req.method, path: resolved.concrete, query: api.query, headers, body: api.body });
        return { status: reply.status, message: reply.reason, raw: reply.body, headers: replyHeaders(reply.headers) };
      } catch (err) {
        if (err instanceof HttpError) return upstreamFailure(err);
        throw err;
      }
    },
    reachable() {
      // One probe at a time however many health checks come in; any HTTP reply means the upstream is there.
      probe ??= anonymous
        .exchange({ method: 'GET', path: '/version' })
        .then((reply) => {
          reply.body.resume();
          return true;
        })
        .catch((err: unknown) => {
          if (err instanceof HttpError) return false;
          throw err;
        })
        .finally(() => (probe = undefined));
      return probe;
    },
    async close() {
      await Promise.all([gateway.close(), anonymous.close()]);
    },
  };
}

/**
 * Mock mode: the simulated Proxmox VE of src/mock as the upstream, in process. The gateway's own credentials are
 * an API token it adds to the mock at start (a new secret each start), so the same access rules hold as in real mode.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createMockHandler } from '../mock';
import type { ServerRequest } from '../server';
import { upstreamHeaders } from './access';
import { API_PREFIX } from './request';
import type { Upstream } from './upstream';

const GATEWAY_TOKEN = 'root@pam!pvecli-gateway';

export function mockUpstream(opts: { stateFile?: string; schemaId: string }): Upstream {
  const secret = randomUUID();
  const { handler, headers: mockHeaders, tokenAuthorization } = createMockHandler({
    stateFile: opts.stateFile,
    schemaId: opts.schemaId,
    tokens: [`${GATEWAY_TOKEN}=${secret}`],
  });
  return {
    async forward(req, api, resolved, access) {
      const headers: Record<string, string> = upstreamHeaders(req.headers, access);
      if (access === 'gateway') headers.authorization = tokenAuthorization(GATEWAY_TOKEN, secret);
      const path = API_PREFIX + resolved.concrete;
      const forwarded: ServerRequest = {
        method: req.method,
        url: api.query ? `${path}?${api.query}` : path,
        path,
        query: api.query,
        headers,
        remoteAddress: req.remoteAddress,
        body: api.body instanceof Readable ? api.body : Readable.from(api.body ? [api.body] : []),
      };
      const reply = await handler(forwarded);
      return { ...reply, headers: { ...mockHeaders, ...reply.headers } };
    },
    reachable: async () => true,
    close: async () => {},
  };
}

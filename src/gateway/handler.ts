/**
 * The gateway as a handler of src/server: its own endpoints (/health, /mode, /metrics, /openapi.json, /docs), CORS, then for the API: the
 * operation, who may use which credentials, the parameters' validation, only then the upstream, and its reply's check.
 */
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';
import { type Handler, type Reply, RequestError, type ServerRequest, errorReply } from '../server';
import { type AccessPolicy, accessOf } from './access';
import type { Cors } from './cors';
import type { Metrics } from './metrics';
import { apiPathOf, readApiRequest } from './request';
import { isLoopbackHost } from './trusted';
import type { Upstream } from './upstream';
import { invalidReply, operationOf } from './validate';

export interface GatewayContext {
  schema: Schema;
  upstream: Upstream;
  policy: AccessPolicy;
  cors: Cors;
  /** The body of GET /mode. */
  mode: Record<string, unknown>;
  /** The reply checked against the operation's `returns` (./replies.ts). */
  checkReply(op: Operation, reply: Reply): Promise<Reply>;
  metrics: Metrics;
  /** The OpenAPI document of the schema, as JSON text (made once, on first ask). */
  openapi(): Buffer;
  /** GET /docs and its files (./docs.ts); undefined for other paths. */
  docs(path: string): Promise<Reply | undefined>;
}

const NO_CREDENTIALS =
  'authentication failure: no credentials (send a Proxmox API token or ticket, or Authorization: Bearer with a gateway key)';

async function health(ctx: GatewayContext, req: ServerRequest): Promise<Reply> {
  // As in the seed: only from this host; others do not learn that the endpoint exists.
  if (!isLoopbackHost(req.remoteAddress)) return errorReply(404, `No such handler for '${req.method} ${req.path}'`);
  if (await ctx.upstream.reachable()) return { status: 200, body: { status: 'ready' } };
  return { status: 503, message: 'upstream unreachable', body: { status: 'upstream unreachable' } };
}

/** For those who may use the gateway's credentials (trusted addresses, gateway keys): a scraper is one of them. */
function metrics(ctx: GatewayContext, req: ServerRequest): Reply {
  if (accessOf(ctx.policy, req.headers, req.remoteAddress, req.path) !== 'gateway') return errorReply(401, NO_CREDENTIALS);
  return { status: 200, raw: Buffer.from(ctx.metrics.render()), headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' } };
}

async function api(ctx: GatewayContext, req: ServerRequest, apiPath: string): Promise<Reply> {
  const checked = operationOf(ctx.schema, req.method, apiPath);
  if (!('op' in checked)) return checked;
  const access = accessOf(ctx.policy, req.headers, req.remoteAddress, apiPath);
  if (access === 'refused') return errorReply(401, NO_CREDENTIALS);
  const request = await readApiRequest(req, apiPath);
  const invalid = invalidReply(ctx.schema, checked, request.params, request.bodyKeys);
  if (invalid) {
    ctx.metrics.invalid.add({ operation: checked.resolved.template });
    return invalid;
  }
  const started = performance.now();
  const reply = await ctx.upstream.forward(req, request, checked.resolved, access);
  ctx.metrics.upstream.observe((performance.now() - started) / 1000);
  return ctx.checkReply(checked.op, reply);
}

async function route(ctx: GatewayContext, req: ServerRequest): Promise<Reply> {
  const preflight = ctx.cors.preflight(req.method, req.headers);
  if (preflight) return preflight;
  if (req.method === 'GET' && req.path === '/health') return health(ctx, req);
  if (req.method === 'GET' && req.path === '/mode') return { status: 200, body: ctx.mode };
  if (req.method === 'GET' && req.path === '/metrics') return metrics(ctx, req);
  if (req.method === 'GET' && req.path === '/openapi.json') {
    return { status: 200, raw: ctx.openapi(), headers: { 'Content-Type': 'application/json;charset=UTF-8' } };
  }
  if (req.method === 'GET' && req.path.startsWith('/docs')) {
    const docs = await ctx.docs(req.path);
    if (docs) return docs;
  }
  const apiPath = apiPathOf(req.path);
  if (apiPath === undefined) return errorReply(404, `No such handler for '${req.method} ${req.path}'`);
  return api(ctx, req, apiPath);
}

export function gatewayHandler(ctx: GatewayContext): Handler {
  return async (req) => {
    let reply: Reply;
    try {
      reply = await route(ctx, req);
    } catch (e) {
      // A body that is malformed, too large or of an unknown type: answered here so that it gets CORS headers too.
      if (!(e instanceof RequestError)) throw e;
      reply = errorReply(e.status, e.message, e.errors);
    }
    return ctx.cors.decorate(req.headers, reply);
  };
}

/**
 * A request checked against the schema before anything goes upstream, with the CLI's validators (src/params):
 * the path resolves to an operation of the method, and its path, query and body parameters are valid.
 * Failures are Proxmox's replies: 501 for an unknown path or method, 400 with `errors` and, beside them, the
 * seed's `detail` list saying where each bad parameter was.
 */
import { validateParams } from '../params';
import type { ResolvedPath, Schema } from '../schema/load';
import type { HttpMethod, Operation } from '../schema/types';
import { type Reply, errorReply } from '../server';

export type Location = 'path' | 'query' | 'body';

export interface Detail {
  loc: [Location, string];
  msg: string;
  type: 'missing' | 'extra_forbidden' | 'value_error';
}

export interface Checked {
  resolved: ResolvedPath;
  op: Operation;
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'DELETE']);

/** The operation behind `METHOD /api/path`, or Proxmox's 501 (it answers an unknown path the same way). */
export function operationOf(schema: Schema, method: string, apiPath: string): Checked | Reply {
  const resolved = schema.tryResolve(apiPath);
  const op = resolved && METHODS.has(method) ? schema.operation(resolved.template, method as HttpMethod) : undefined;
  if (!resolved || !op) return errorReply(501, `Method '${method} ${apiPath}' not implemented`);
  return { resolved, op };
}

const typeOf = (message: string): Detail['type'] =>
  message === 'missing required parameter' ? 'missing' : message === 'unknown parameter' ? 'extra_forbidden' : 'value_error';

/**
 * The parameters' errors as a 400 reply, or undefined when valid. `params` are the wire values (query and body
 * merged), `bodyKeys` those that came in the body; path parameters the schema declares are checked too.
 */
export function invalidReply(schema: Schema, checked: Checked, params: Record<string, unknown>, bodyKeys: Set<string>): Reply | undefined {
  const { op, resolved } = checked;
  const declared = op.parameters.properties ?? {};
  const values: Record<string, unknown> = { ...params };
  for (const [k, v] of Object.entries(resolved.params)) if (k in declared) values[k] = v;
  const problems = validateParams(schema, op, values);
  if (problems.length === 0) return undefined;
  const missingFrom: Location = op.method === 'GET' || op.method === 'DELETE' ? 'query' : 'body';
  const errors: Record<string, string> = {};
  const detail: Detail[] = [];
  for (const { param, message } of problems) {
    errors[param] ??= message;
    const loc: Location = param in resolved.params ? 'path' : bodyKeys.has(param) ? 'body' : param in params ? 'query' : missingFrom;
    detail.push({ loc: [loc, param], msg: message, type: typeOf(message) });
  }
  const reply = errorReply(400, 'Parameter verification failed.', errors);
  (reply.body as Record<string, unknown>).detail = detail;
  return reply;
}

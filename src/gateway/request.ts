/**
 * A client's API request as the gateway handles it: the path below /api2/json, its parameters for validation, and
 * the body to forward. Form and JSON bodies are small (the server's 1 MiB limit): read whole, validated, then sent
 * upstream as they came. Multipart uploads are not forwarded yet: refused with 415 rather than held in memory.
 */
import { HttpError, type ServerRequest, parseBody, queryParams, readAll } from '../server';
import { multipartBoundary } from '../server';

export const API_PREFIX = '/api2/json';

export interface ApiRequest {
  method: string;
  /** The path below /api2/json, as sent (percent-encoded). */
  apiPath: string;
  query: string;
  /** Query and body parameters merged, as Proxmox merges them. */
  params: Record<string, unknown>;
  bodyKeys: Set<string>;
  /** The body to forward (POST/PUT); GET and DELETE send none. */
  body?: Buffer;
}

/** `/api2/json/nodes` → `/nodes`; undefined for paths outside the API. */
export function apiPathOf(path: string): string | undefined {
  if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return undefined;
  return path.slice(API_PREFIX.length) || '/';
}

export async function readApiRequest(req: ServerRequest, apiPath: string): Promise<ApiRequest> {
  const params = queryParams(req);
  const out: ApiRequest = { method: req.method, apiPath, query: req.query, params, bodyKeys: new Set() };
  if (req.method !== 'POST' && req.method !== 'PUT') return out;
  if (multipartBoundary(req.headers['content-type']) !== undefined) {
    throw new HttpError(415, 'multipart uploads are not forwarded by the gateway yet');
  }
  out.body = await readAll(req.body);
  const fromBody = parseBody(req.headers['content-type'], out.body.toString('utf8'), {});
  for (const [k, v] of Object.entries(fromBody)) {
    out.bodyKeys.add(k);
    params[k] = k in params ? [params[k], v].flat() : v;
  }
  return out;
}

/**
 * A client's API request as the gateway handles it: the path below /api2/json, its parameters for validation, and
 * the body to forward. Form and JSON bodies are small (the server's 1 MiB limit): read whole, validated, then sent
 * upstream as they came. Multipart uploads are checked on their fields and streamed (./multipart.ts).
 */
import type { Readable } from 'node:stream';
import { RequestError, type ServerRequest, multipartBoundary, parseBody, queryParams, readAll } from '../server';
import { readUpload } from './multipart';

export const API_PREFIX = '/api2/json';

export interface ApiRequest {
  method: string;
  /** The path below /api2/json, as sent (percent-encoded). */
  apiPath: string;
  query: string;
  /** Query and body parameters merged, as Proxmox merges them. */
  params: Record<string, unknown>;
  bodyKeys: Set<string>;
  /** The body to forward (POST/PUT); GET and DELETE send none. A stream (an upload) comes with its length. */
  body?: Buffer | Readable;
  length?: string;
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
  const boundary = multipartBoundary(req.headers['content-type']);
  let fromBody: Record<string, unknown>;
  if (boundary !== undefined) {
    // Proxmox takes no chunked bodies, so an upload is forwarded with the length the client gave.
    const length = req.headers['content-length'];
    if (length === undefined) throw new RequestError(411, 'an upload needs a Content-Length');
    const upload = await readUpload(req.body, boundary);
    [fromBody, out.body, out.length] = [upload.params, upload.body, length];
  } else {
    out.body = await readAll(req.body);
    fromBody = parseBody(req.headers['content-type'], out.body.toString('utf8'), {});
  }
  for (const [k, v] of Object.entries(fromBody)) {
    out.bodyKeys.add(k);
    params[k] = k in params ? [params[k], v].flat() : v;
  }
  return out;
}

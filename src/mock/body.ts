/** Request parameters from the query string and from form-urlencoded or JSON bodies, as Proxmox accepts them. */
import { ApiError } from './api-error';

export const MAX_BODY_BYTES = 1024 * 1024;

function add(out: Record<string, unknown>, key: string, value: string): void {
  const prev = out[key];
  if (prev === undefined) out[key] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else out[key] = [prev, value];
}

/** Strict `application/x-www-form-urlencoded`: a bad percent escape is an error, as it is for Proxmox. */
export function parseForm(text: string, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (!text) return out;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      add(out, decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' ')));
    } catch {
      throw new ApiError(400, 'malformed form body: invalid percent-encoding');
    }
  }
  return out;
}

/** A JSON object body; its scalar values are kept as sent (validation converts them like form values). */
export function parseJsonBody(text: string, out: Record<string, unknown>): Record<string, unknown> {
  if (!text.trim()) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'malformed JSON body');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(400, 'JSON body must be an object');
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null) continue;
    out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return out;
}

export function parseBody(contentType: string | undefined, text: string, out: Record<string, unknown>): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return parseJsonBody(text, out);
  if (type === '' || type === 'application/x-www-form-urlencoded') return parseForm(text, out);
  if (!text) return out;
  throw new ApiError(415, `unsupported content type '${type}'`);
}

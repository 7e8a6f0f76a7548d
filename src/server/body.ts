/**
 * Request parameters from the query string and from form-urlencoded, JSON or multipart bodies, as Proxmox accepts
 * them. Form and JSON bodies are read whole (they are small, and limited); multipart file parts are streamed.
 */
import type { Readable } from 'node:stream';
import { RequestError } from './errors';
import { type FilePart, multipartBoundary, multipartParts } from './multipart';
import type { ServerRequest } from './types';

/** A parameter object without a prototype: `__proto__` or `constructor` sent as a key is then an ordinary, unknown key. */
export const paramObject = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;

function add(out: Record<string, unknown>, key: string, value: string): void {
  const prev = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
  if (prev === undefined) out[key] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else out[key] = [prev, value];
}

/** Strict `application/x-www-form-urlencoded`: a bad percent escape is an error, as it is for Proxmox. */
export function parseForm(text: string, out: Record<string, unknown> = paramObject()): Record<string, unknown> {
  if (!text) return out;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      add(out, decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' ')));
    } catch {
      throw new RequestError(400, 'malformed form body: invalid percent-encoding');
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
    throw new RequestError(400, 'malformed JSON body');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RequestError(400, 'JSON body must be an object');
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null) continue;
    out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return out;
}

export const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0].trim().toLowerCase();

/** A form or JSON body already read. */
export function parseBody(contentType: string | undefined, text: string, out: Record<string, unknown>): Record<string, unknown> {
  const type = mediaType(contentType);
  if (type === 'application/json') return parseJsonBody(text, out);
  if (type === '' || type === 'application/x-www-form-urlencoded') return parseForm(text, out);
  if (!text) return out;
  throw new RequestError(415, `unsupported content type '${type}'`);
}

/** The whole body; the server's limits already stop one that is too large. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The query string's parameters. */
export function queryParams(req: ServerRequest): Record<string, unknown> {
  return parseForm(req.query);
}

/**
 * The body's parameters added to `out` (the query's). A multipart file part goes to `onFile`, which must read or
 * drain its stream; without `onFile` a file part is refused (415).
 */
export async function readParams(
  req: ServerRequest,
  out: Record<string, unknown>,
  onFile?: (part: FilePart) => Promise<void>,
): Promise<Record<string, unknown>> {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary === undefined) return parseBody(req.headers['content-type'], (await readAll(req.body)).toString('utf8'), out);
  for await (const part of multipartParts(req.body, boundary)) {
    if (part.kind === 'field') add(out, part.name, part.value);
    else if (onFile) await onFile(part);
    else throw new RequestError(415, `file upload '${part.name}' is not accepted here`);
  }
  return out;
}

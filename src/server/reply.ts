/** Replies as Proxmox writes them: JSON `{"data": ...}`, the error message in the HTTP status line. */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Reply {
  status: number;
  /** The reason phrase; Proxmox puts the error message there. Default 'OK'. */
  message?: string;
  /** A JSON value, serialised; or, with `raw`, ignored. */
  body?: unknown;
  /** A body sent as is (a download, a forwarded reply); set its Content-Type in `headers`. */
  raw?: Buffer | Readable;
  headers?: Record<string, string | number>;
}

/** Reason phrases may only hold visible ASCII. */
export function reason(message: string): string {
  return message.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 512) || 'Error';
}

/** Proxmox's error body: `{"data": null, "message": ...}`, with per-parameter errors where there are some. */
export function errorReply(status: number, message: string, errors?: Record<string, string>): Reply {
  const body: Record<string, unknown> = { data: null, message: `${message}\n` };
  if (errors) body.errors = errors;
  return { status, message, body };
}

/** Write a reply; `close` ends the connection after it (a body left unread, a server shutting down). */
export async function writeReply(res: ServerResponse, reply: Reply, defaults: Record<string, string>, close: boolean): Promise<void> {
  res.statusCode = reply.status;
  res.statusMessage = reason(reply.message ?? 'OK');
  for (const [k, v] of Object.entries(defaults)) res.setHeader(k, v);
  if (close) res.setHeader('Connection', 'close');
  if (reply.raw === undefined) {
    const text = JSON.stringify(reply.body ?? null);
    res.setHeader('Content-Type', 'application/json;charset=UTF-8');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    res.end(text);
    return;
  }
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (Buffer.isBuffer(reply.raw)) {
    res.setHeader('Content-Length', reply.raw.length);
    res.end(reply.raw);
    return;
  }
  await pipeline(reply.raw, res);
}

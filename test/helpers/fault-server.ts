/**
 * A raw TCP server that answers HTTP/1.1 requests with scripted faults, byte for byte (node:http would refuse the
 * control characters a hostile server puts in its reason phrase): a huge body, deep JSON, a body that trickles, a
 * connection closed mid-body, escape codes in messages; and servers that are not quite Proxmox (issue 13): no
 * `data`, text/plain and FastAPI errors, a UPID it cannot report on. Each path is one fault, keyed `/path` or
 * `METHOD /path` (the path percent-decoded, without /api2/json and the query); `written` counts the bytes sent,
 * `requests` records what came in.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One request as it came in: headers lower-cased, the body as text. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type Fault = (socket: Socket, server: FaultServer, request: SeenRequest) => void;

export class FaultServer {
  written = 0;
  readonly requests: SeenRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly faults: Record<string, Fault>) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [requestLine, ...headerLines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
      buffered = Buffer.alloc(0);
      const [method = '', target = ''] = requestLine.split(' ');
      const path = decodeURIComponent(target.replace(/^\/api2\/json/, '').split('?')[0] ?? '');
      const request = { method, path, headers, body };
      this.requests.push(request);
      const fault = this.faults[`${method} ${path}`] ?? this.faults[path];
      if (fault) fault(socket, this, request);
      else socket.end(reply(404, 'no such fault', '{"data":null}'));
    });
  }
}

/** A complete HTTP/1.1 reply; the reason phrase goes out exactly as given; `headers` may replace the content type. */
export function reply(status: number, reason: string, body: string, headers: Record<string, string> = {}): Buffer {
  const head = [`HTTP/1.1 ${status} ${reason}`, `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) head.push('content-type: application/json');
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), Buffer.from(body)]);
}

/** A body of `total` bytes sent in 64 KiB pieces as fast as the client reads, stopping when it goes away. */
export function hugeBody(total: number): Fault {
  return (socket, server) => {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${total}\r\n\r\n`);
    const piece = Buffer.alloc(1 << 16, 0x20);
    piece.write('{"data":"');
    let sent = 0;
    const pump = () => {
      while (sent < total && !socket.destroyed) {
        const n = Math.min(piece.length, total - sent);
        sent += n;
        server.written += n;
        if (!socket.write(sent === n ? piece.subarray(0, n) : Buffer.alloc(n, 0x61))) return void socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  };
}

/** A fault that always sends the same reply. */
export function answer(status: number, reason: string, body: string, headers: Record<string, string> = {}): Fault {
  return (socket) => socket.end(reply(status, reason, body, headers));
}

/** A text/plain error, as a small web framework answers (`vmid 151 already exists`). */
export function plainError(status: number, reason: string, text: string): Fault {
  return answer(status, reason, text, { 'content-type': 'text/plain; charset=utf-8' });
}

/** A FastAPI error: `{"detail": …}`, a string or a list of `{loc, msg, type}`. */
export function fastApiError(status: number, reason: string, detail: unknown): Fault {
  return answer(status, reason, JSON.stringify({ detail }));
}

/** Proxmox's way to say an object does not exist: HTTP 500, the message as the reason phrase, `{"data":null}`. */
export function proxmoxError(status: number, message: string): Fault {
  return answer(status, message, JSON.stringify({ data: null, message: `${message}\n` }));
}

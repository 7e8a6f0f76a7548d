/**
 * A raw TCP server that answers HTTP/1.1 requests with scripted faults, byte for byte (node:http would refuse the
 * control characters a hostile server puts in its reason phrase): a huge body, deep JSON, a body that trickles, a
 * connection closed mid-body, escape codes in messages. Each path is one fault; `written` counts the bytes sent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Fault = (socket: Socket, server: FaultServer) => void;

export class FaultServer {
  written = 0;
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
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1]?.replace(/^\/api2\/json/, '').split('?')[0] ?? '';
      head = '';
      const fault = this.faults[path];
      if (fault) fault(socket, this);
      else socket.end(reply(404, 'no such fault', '{"data":null}'));
    });
  }
}

/** A complete HTTP/1.1 reply; the reason phrase goes out exactly as given. */
export function reply(status: number, reason: string, body: string, headers: Record<string, string> = {}): Buffer {
  const head = [`HTTP/1.1 ${status} ${reason}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
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

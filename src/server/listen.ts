/**
 * The HTTP(S) front: listen, limits, hand each request to one handler, write its reply, shut down gracefully.
 * It knows nothing of what it serves: the mock (and the gateway) are handlers.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type Duplex, Transform } from 'node:stream';
import { mediaType } from './body';
import { RequestError } from './errors';
import { type Reply, errorReply, writeReply } from './reply';
import type { Handler, ServerRequest } from './types';

export interface ServerLimits {
  /** Bytes of a form or JSON body (default 1 MiB). */
  bodyBytes?: number;
  /** Bytes of a multipart body, which handlers stream (default 64 GiB). */
  uploadBytes?: number;
  /** Bytes of the request line and headers (default 16 KiB). */
  headerBytes?: number;
  /** Milliseconds to receive a whole request (default 300 s). */
  requestTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection stays open (default 30 s). */
  keepAliveMs?: number;
}

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  client: string;
  /** The reply's own headers (a handler may report on the request through them, e.g. the gateway's violation count). */
  replyHeaders: Record<string, string | number | undefined>;
}

export interface ServerOptions {
  host: string;
  /** 0 = any free port */
  port: number;
  tls?: { cert: string; key: string };
  /** Headers sent with every reply, such as `Server`. */
  headers?: Record<string, string>;
  limits?: ServerLimits;
  /** A handler threw something other than an RequestError: a bug, answered with 500 and its message. */
  onError?: (error: unknown, req: ServerRequest) => void;
  /** One entry per answered request. */
  onResponse?: (entry: AccessEntry) => void;
  /**
   * A request to switch protocols (a console's websocket): the socket is the callee's from then on. Without it such
   * a request is answered as any other. Upgraded connections are closed when the server closes.
   */
  onUpgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  /** Stop accepting, let requests in flight finish for up to `graceMs` (default 10 s), then close every connection. */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_LIMITS: Required<ServerLimits> = {
  bodyBytes: 1024 * 1024,
  uploadBytes: 64 * 1024 ** 3,
  headerBytes: 16 * 1024,
  requestTimeoutMs: 300_000,
  keepAliveMs: 30_000,
};

const TOO_LARGE = 'Request Entity Too Large';

/** The request body, failing with 413 once more than `limit` bytes have come. */
function limitBody(req: http.IncomingMessage, limit: number): Transform {
  let size = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? new RequestError(413, TOO_LARGE) : null, chunk);
    },
  });
  req.on('error', (e) => limited.destroy(e));
  return req.pipe(limited);
}

/** What a handler sees of a request but its body: method, target split into path and query, headers, client. */
export function requestHead(req: http.IncomingMessage): Omit<ServerRequest, 'body'> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    url,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

/** A request to the handler; the body stream is made only when the handler reads it. */
function serverRequest(req: http.IncomingMessage, limit: number): { request: ServerRequest; opened(): Transform | undefined } {
  let body: Transform | undefined;
  const request: ServerRequest = {
    ...requestHead(req),
    get body() {
      return (body ??= limitBody(req, limit));
    },
  };
  return { request, opened: () => body };
}

/** Errors the HTTP parser meets before a request exists: an answer in Proxmox's shape, then the connection ends. */
function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const busy = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage?.headersSent;
  if (!socket.writable || busy || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({ data: null, message: `${message}\n` });
  socket.end(
    `HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function listen(handler: Handler, opts: ServerOptions): Promise<RunningServer> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const headers = { 'Cache-Control': 'max-age=0', Pragma: 'no-cache', ...opts.headers };
  let closing = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  function replyFor(e: unknown, request: ServerRequest): Reply {
    if (e instanceof RequestError) return errorReply(e.status, e.message, e.errors);
    opts.onError?.(e, request);
    return errorReply(500, e instanceof Error ? e.message : String(e));
  }

  async function respond(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const multipart = mediaType(req.headers['content-type']) === 'multipart/form-data';
    const limit = multipart ? limits.uploadBytes : limits.bodyBytes;
    const { request, opened } = serverRequest(req, limit);
    let reply: Reply;
    if (Number(req.headers['content-length'] ?? 0) > limit) reply = errorReply(413, TOO_LARGE);
    else {
      try {
        reply = await handler(request);
      } catch (e) {
        reply = replyFor(e, request);
      }
    }
    // A body the handler left unread is discarded; one cut off for its size ends the connection.
    const unread = !req.readableEnded;
    if (unread) {
      const body = opened();
      if (body) req.unpipe(body);
      req.resume();
    }
    await writeReply(res, reply, headers, closing || (unread && reply.status === 413));
    opts.onResponse?.({ method: request.method, path: request.path, status: reply.status, ms: performance.now() - started, client: request.remoteAddress, replyHeaders: reply.headers ?? {} });
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) idle?.();
    });
    respond(req, res).catch(() => res.destroy());
  };
  const serverOptions = {
    maxHeaderSize: limits.headerBytes,
    requestTimeout: limits.requestTimeoutMs,
    // node checks for late requests on a timer (30 s by default): often enough for the timeout given.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, limits.requestTimeoutMs / 10)),
    keepAliveTimeout: limits.keepAliveMs,
  };
  const server: http.Server = opts.tls
    ? https.createServer({ ...serverOptions, cert: opts.tls.cert, key: opts.tls.key }, onRequest)
    : http.createServer(serverOptions, onRequest);
  server.keepAliveTimeout = limits.keepAliveMs;
  server.on('clientError', clientError);
  const upgraded = new Set<Duplex>();
  const onUpgrade = opts.onUpgrade;
  if (onUpgrade) {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (closing) return void socket.destroy();
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      onUpgrade(req, socket, head);
    });
  }

  const close = (graceMs = 10_000): Promise<void> =>
    new Promise<void>((resolve) => {
      closing = true;
      server.close(() => resolve());
      server.closeIdleConnections();
      const stop = () => {
        clearTimeout(timer);
        idle = undefined;
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      };
      const timer = setTimeout(stop, graceMs);
      timer.unref();
      if (inFlight === 0) stop();
      else idle = stop;
    });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port, close });
    });
  });
}

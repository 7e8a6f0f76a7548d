/** The HTTP(S) front of the mock: parse the request, hand it to the router, write Proxmox-style replies. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-error';
import { MAX_BODY_BYTES, parseBody, parseForm } from './body';
import { type MockReply, type RouterDeps, route } from './router';

const API_PREFIX = '/api2/json';

/** Reason phrases may only hold visible ASCII; Proxmox puts the error message there. */
function reason(message: string): string {
  return message.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 512) || 'Error';
}

function send(res: http.ServerResponse, reply: MockReply, close = false): void {
  const body = JSON.stringify(reply.body);
  res.statusCode = reply.status;
  res.statusMessage = reason(reply.message);
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'max-age=0');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Server', 'pve-api-daemon/3.0');
  if (close) res.setHeader('Connection', 'close');
  res.end(body);
}

function errorReply(e: ApiError): MockReply {
  return { status: e.status, message: e.message, body: { data: null, message: `${e.message}\n` } };
}

export function handleRequest(deps: RouterDeps, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  if (!rawPath.startsWith(API_PREFIX + '/') && rawPath !== API_PREFIX) {
    req.resume();
    send(res, errorReply(new ApiError(404, `No such handler for '${method} ${rawPath}'`)));
    return;
  }
  const path = rawPath.slice(API_PREFIX.length) || '/';
  let args: Record<string, unknown>;
  try {
    args = q < 0 ? {} : parseForm(url.slice(q + 1));
  } catch (e) {
    req.resume();
    send(res, errorReply(e as ApiError));
    return;
  }
  if (method === 'GET' || method === 'DELETE' || method === 'HEAD') {
    // No body expected: answer at once, dropping anything sent.
    if (req.readableEnded) answer(deps, method, path, args, req, res);
    else {
      req.resume();
      req.on('end', () => answer(deps, method, path, args, req, res));
    }
    return;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    send(res, errorReply(new ApiError(413, 'Request Entity Too Large')), true);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
      chunks.length = 0;
      send(res, errorReply(new ApiError(413, 'Request Entity Too Large')), true);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return;
    try {
      args = parseBody(req.headers['content-type'], Buffer.concat(chunks).toString('utf8'), args);
    } catch (e) {
      send(res, errorReply(e as ApiError));
      return;
    }
    answer(deps, method, path, args, req, res);
  });
  req.on('error', () => res.destroy());
}

/**
 * Route and reply. Writes to a state file other processes share (embedded mocks of concurrent CLI runs) hold its
 * lock from reading the latest state to saving, so no process loses another's change.
 */
function answer(deps: RouterDeps, method: string, path: string, args: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (!deps.stateFile || method === 'GET') {
    send(res, route(deps, method, path, args, req.headers));
    return;
  }
  const { withFileLock } = require('../util/file-lock') as typeof import('../util/file-lock');
  withFileLock(deps.stateFile, () => send(res, route(deps, method, path, args, req.headers))).catch((e: unknown) => {
    if (!res.headersSent) send(res, errorReply(new ApiError(500, e instanceof Error ? e.message : String(e))));
  });
}

export interface Listening {
  server: http.Server;
  port: number;
}

export function listen(
  deps: RouterDeps,
  opts: { host: string; port: number; tls?: { cert: string; key: string } },
): Promise<Listening> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      handleRequest(deps, req, res);
    } catch (e) {
      // Last line of defence: keep serving whatever one request did.
      if (!res.headersSent) send(res, { status: 500, message: 'internal mock error', body: { data: null, message: String(e) } });
    }
  };
  const server: http.Server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

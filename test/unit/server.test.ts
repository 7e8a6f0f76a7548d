// src/server/listen.ts: the HTTP front without the mock: replies, limits, keep-alive, graceful shutdown.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestError, type Handler, type RunningServer, listen, readAll, readParams, queryParams } from '../../src/server';

interface Got {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(port: number, method: string, path: string, opts: { body?: Buffer | string; headers?: Record<string, string | number>; agent?: http.Agent } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: opts.headers, agent: opts.agent ?? agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The raw answer to bytes written on a fresh connection. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (c) => (out += c.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

const echo: Handler = async (req) => {
  if (req.path === '/boom') throw new Error('handler bug');
  if (req.path === '/refuse') throw new RequestError(400, 'Parameter verification failed.', { vmid: 'not an integer' });
  const args = req.method === 'GET' ? queryParams(req) : await readParams(req, queryParams(req));
  return { status: 200, body: { data: args } };
};

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close(100);
  running = undefined;
});

async function start(handler: Handler = echo, opts: Partial<Parameters<typeof listen>[1]> = {}): Promise<number> {
  running = await listen(handler, { host: '127.0.0.1', port: 0, ...opts });
  return running.port;
}

describe('server: replies', () => {
  it('answers JSON with the handler data, query and form and JSON bodies parsed', async () => {
    const port = await start(echo, { headers: { Server: 'test/1' } });
    const got = await request(port, 'GET', '/x?a=1&a=2&b=%2F');
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(got.headers.server).toBe('test/1');
    expect(JSON.parse(got.body)).toEqual({ data: { a: ['1', '2'], b: '/' } });
    const form = await request(port, 'POST', '/x', { body: 'vmid=100&name=a+b', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(JSON.parse(form.body)).toEqual({ data: { vmid: '100', name: 'a b' } });
    const json = await request(port, 'POST', '/x', { body: '{"start":true}', headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(json.body)).toEqual({ data: { start: 1 } });
    const mp = `--B\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n--B--\r\n`;
    const multipart = await request(port, 'POST', '/x', { body: mp, headers: { 'Content-Type': 'multipart/form-data; boundary=B' } });
    expect(JSON.parse(multipart.body)).toEqual({ data: { content: 'iso' } });
  });

  it('answers errors as Proxmox does: the message in the status line, data null, per-parameter errors', async () => {
    const errors: unknown[] = [];
    const port = await start(echo, { onError: (e) => errors.push(e) });
    const refused = await request(port, 'GET', '/refuse');
    expect([refused.status, refused.statusText]).toEqual([400, 'Parameter verification failed.']);
    expect(JSON.parse(refused.body)).toEqual({ data: null, message: 'Parameter verification failed.\n', errors: { vmid: 'not an integer' } });
    const bug = await request(port, 'GET', '/boom');
    expect([bug.status, bug.statusText]).toEqual([500, 'handler bug']);
    expect(JSON.parse(bug.body)).toEqual({ data: null, message: 'handler bug\n' });
    expect(errors).toHaveLength(1);
    const bad = await request(port, 'POST', '/x', { body: 'a=%zz', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(bad.status).toBe(400);
    const type = await request(port, 'POST', '/x', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
    expect(type.status).toBe(415);
  });

  it('logs one access entry per request', async () => {
    const entries: Array<{ method: string; path: string; status: number }> = [];
    const port = await start(echo, { onResponse: (e) => entries.push(e) });
    await request(port, 'GET', '/a?x=1');
    await request(port, 'GET', '/refuse');
    expect(entries.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'GET', path: '/a', status: 200 },
      { method: 'GET', path: '/refuse', status: 400 },
    ]);
  });
});

describe('server: limits', () => {
  it('refuses a declared body over the limit with 413 and closes, then keeps serving', async () => {
    const port = await start(echo, { limits: { bodyBytes: 1000 } });
    const got = await raw(port, 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n' + 'a'.repeat(100));
    expect(got).toMatch(/^HTTP\/1\.1 413 Request Entity Too Large\r\n/);
    expect(got).toMatch(/Connection: close/i);
    expect((await request(port, 'GET', '/ok')).status).toBe(200);
  });

  it('refuses a chunked body that grows over the limit with 413', async () => {
    const port = await start(echo, { limits: { bodyBytes: 1000 } });
    const chunk = 'a'.repeat(600);
    const text = `POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(600).toString(16)}\r\n${chunk}\r\n${(600).toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
    expect(await raw(port, text)).toMatch(/^HTTP\/1\.1 413 /);
    expect((await request(port, 'GET', '/ok')).status).toBe(200);
  });

  it('lets multipart bodies past the form limit, up to their own', async () => {
    const port = await start(echo, { limits: { bodyBytes: 100, uploadBytes: 10_000 } });
    const mp = (n: number) => `--B\r\nContent-Disposition: form-data; name="f"\r\n\r\n${'x'.repeat(n)}\r\n--B--\r\n`;
    const headers = { 'Content-Type': 'multipart/form-data; boundary=B' };
    expect((await request(port, 'POST', '/x', { body: mp(5000), headers })).status).toBe(200);
    expect((await request(port, 'POST', '/x', { body: mp(20_000), headers, agent: new http.Agent() })).status).toBe(413);
  });

  it('answers headers over the limit with 431 and a malformed request with 400', async () => {
    const port = await start(echo, { limits: { headerBytes: 1024 } });
    expect(await raw(port, `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[\s\S]*"data":null/);
    expect(await raw(port, 'NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('answers a request that is not complete in time with 408', async () => {
    const port = await start(echo, { limits: { requestTimeoutMs: 300 } });
    expect(await raw(port, 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab')).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });
});

describe('server: connections', () => {
  it('keeps connections alive between requests', async () => {
    const port = await start();
    let sockets = 0;
    running!.server.on('connection', () => sockets++);
    const keep = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) expect((await request(port, 'GET', '/x', { agent: keep })).status).toBe(200);
    expect(sockets).toBe(1);
    keep.destroy();
  });

  it('on close: stops accepting, lets a request in flight finish, then ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const port = await start(async (req) => {
      if (req.path === '/slow') {
        arrived();
        await gate;
      }
      return { status: 200, body: { data: req.path } };
    });
    const slow = request(port, 'GET', '/slow', { agent: new http.Agent() });
    await inFlight;
    const closed = running!.close(5_000);
    running = undefined;
    await expect(request(port, 'GET', '/new', { agent: new http.Agent() })).rejects.toThrow(/ECONNREFUSED/);
    release();
    const got = await slow;
    expect(got.status).toBe(200);
    expect(got.headers.connection).toBe('close');
    await closed;
  });

  it('on close: ends requests still running after the grace period', async () => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const port = await start(() => {
      arrived();
      return new Promise(() => {});
    });
    const hung = request(port, 'GET', '/hang', { agent: new http.Agent() }).catch((e: Error) => e);
    await inFlight;
    // close() resolving at all is the point: a hung handler cannot hold it past the grace period.
    await running!.close(200);
    running = undefined;
    expect(await hung).toBeInstanceOf(Error);
  });

  it('reads a body the handler asks for and discards one it leaves', async () => {
    const port = await start(async (req) => ({ status: 200, body: { data: req.path === '/read' ? (await readAll(req.body)).length : null } }));
    const payload = Buffer.alloc(200_000, 1);
    const headers = { 'Content-Type': 'application/octet-stream' };
    expect(JSON.parse((await request(port, 'POST', '/read', { body: payload, headers })).body)).toEqual({ data: 200_000 });
    expect(JSON.parse((await request(port, 'POST', '/leave', { body: payload, headers })).body)).toEqual({ data: null });
    expect(JSON.parse((await request(port, 'POST', '/read', { body: payload, headers })).body)).toEqual({ data: 200_000 });
  });
});

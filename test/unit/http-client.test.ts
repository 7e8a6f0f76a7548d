/**
 * Acceptance tests of the HTTP core (issue 4), over real sockets: a loopback HTTPS server with certificates made by
 * openssl, tinyproxy for the proxy path, and a second node process for the ticket cache. The last test scans every
 * captured trace, warning, error and child output for the secrets the suite used.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionSettings } from '../../src/config/types';
import { CliError } from '../../src/errors';
import { createCliClient as createClient, type CliClientOptions as ClientOptions } from '../../src/cli/api-client';
import { ticketCachePath } from '../../src/config/ticket-store';
import { describeRequest } from '../../src/http';
import { makeCaSignedCert, startTestServer, tempDir, type TestServer } from '../helpers/https-server';
import { freePort, startTinyproxy, type Tinyproxy } from '../helpers/tinyproxy';

const ROOT = resolve(__dirname, '../..');
const TOKEN_ID = 'root@pam!ci';
const TOKEN_SECRET = '5a1e0c2d-77f3-4c1b-9d1e-secret-token-x1';
const PASSWORD = 'hunter2-very-secret-pw';
const TOTP = '424242';
const RECOVERY = 'rec0very-key-abcdef';
const PROXY_PASSWORD = 'proxyPassW0rd7';

/** Everything the suite saw printed or thrown; scanned for secrets at the end. */
const captured: string[] = [];
const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

let server: TestServer;
let proxy: Tinyproxy;

function capture(): Required<Pick<ClientOptions, 'trace' | 'warn'>> & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    trace: (l) => {
      lines.push(l);
      captured.push(l);
    },
    warn: (l) => {
      lines.push(`warn: ${l}`);
      captured.push(l);
    },
  };
}

function settings(over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    profile: 'test',
    url: server.url,
    service: 'PVE',
    pathPrefix: '',
    otpType: 'totp',
    verifyTls: true,
    fingerprint: server.cert.fingerprint,
    timeout: 5,
    connectTimeout: 3,
    retries: 0,
    retryBackoff: 0.05,
    cacheDir: tempDir('pvecli-cache-'),
    ...over,
  };
}

const token = { tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET };
const user = { username: 'alice@pve', password: PASSWORD };

/** Runs one request with a fresh client and closes it. */
async function once<T = unknown>(s: ConnectionSettings, path = '/nodes/pve/status', method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'GET', opts: ClientOptions = {}) {
  const client = createClient(s, { ...capture(), ...opts });
  try {
    return await client.request<T>({ method, path });
  } finally {
    await client.close();
  }
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    const e = err as CliError;
    captured.push(e.message, e.hint ?? '');
    return e;
  }
  throw new Error('expected a CliError');
}

async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) setEnv(k, v);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) setEnv(k, v);
  }
}

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  for (const v of PROXY_VARS) delete process.env[v];
  [server, proxy] = await Promise.all([startTestServer({ users: { 'alice@pve': PASSWORD, 'bob@pve': PASSWORD }, tokens: { [TOKEN_ID]: TOKEN_SECRET }, totp: { 'bob@pve': TOTP }, recovery: { 'bob@pve': RECOVERY } }), startTinyproxy()]);
});

afterAll(async () => {
  await Promise.all([server?.close(), proxy?.stop()]);
  rmSync(childBuildDir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('refuses an untrusted self-signed certificate by default, showing its fingerprint and how to pin it', async () => {
    const err = await failure(once(settings({ ...token, fingerprint: undefined })));
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain(server.cert.fingerprint);
    expect(err.message).toContain('127.0.0.1');
    expect(err.hint).toContain(`--tls-fingerprint ${server.cert.fingerprint}`);
    expect(err.hint).toContain('PROXMOX_API_FINGERPRINT');
  });

  it('works with verification off and warns once', async () => {
    const c = capture();
    const client = createClient(settings({ ...token, fingerprint: undefined, verifyTls: false }), c);
    await client.request({ method: 'GET', path: '/version' });
    await client.request({ method: 'GET', path: '/version' });
    await client.close();
    expect(c.lines.filter((l) => l.startsWith('warn:'))).toHaveLength(1);
    expect(c.lines.join('\n')).toMatch(/verification is disabled/);
  });

  it('accepts a self-signed certificate whose pinned fingerprint matches (any spelling)', async () => {
    expect(await once(settings({ ...token }))).toMatchObject({ path: '/nodes/pve/status' });
    const bare = server.cert.fingerprint.replace(/:/g, '').toLowerCase();
    expect(await once(settings({ ...token, fingerprint: bare }))).toMatchObject({ method: 'GET' });
  });

  it('refuses a wrong fingerprint even with verification off', async () => {
    const wrong = server.cert.fingerprint.replace(/^../, server.cert.fingerprint.startsWith('00') ? '11' : '00');
    const before = server.requests.length;
    const err = await failure(once(settings({ ...token, fingerprint: wrong, verifyTls: false })));
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/does not match the pinned fingerprint/);
    expect(err.message).toContain(server.cert.fingerprint);
    expect(server.requests.length).toBe(before); // nothing was sent to the unverified peer
  });

  it('trusts a CA file, checking the host name', async () => {
    const caServer = await startTestServer({ cert: makeCaSignedCert(), tokens: { [TOKEN_ID]: TOKEN_SECRET } });
    try {
      const base = { ...token, fingerprint: undefined, caFile: caServer.cert.ca };
      expect(await once(settings({ ...base, url: caServer.url }))).toMatchObject({ method: 'GET' });
      expect(await once(settings({ ...base, url: `https://localhost:${caServer.port}` }))).toMatchObject({ method: 'GET' });
      const noCa = await failure(once(settings({ ...base, caFile: undefined, url: caServer.url })));
      expect(noCa.exitCode).toBe(3);
      expect(noCa.message).toContain(caServer.cert.fingerprint);
    } finally {
      await caServer.close();
    }
  });

  it('keeps one connection alive across requests of a process', async () => {
    const before = server.connections;
    const client = createClient(settings(token), capture());
    for (let i = 0; i < 3; i++) await client.request({ method: 'GET', path: '/nodes' });
    await client.close();
    expect(server.connections - before).toBe(1);
  });
});

describe('requests and errors', () => {
  it('puts GET/DELETE params in the query, POST/PUT in a form, arrays as repeated keys, under the path prefix', async () => {
    const client = createClient(settings(token), capture());
    const params = { a: 'x y', list: ['1', '2'], 'net0': 'virtio,bridge=vmbr0' };
    const got = await client.request<{ query: unknown }>({ method: 'GET', path: '/nodes/pve/qemu', params });
    expect(got.query).toEqual({ a: 'x y', list: ['1', '2'], net0: 'virtio,bridge=vmbr0' });
    const del = await client.request<{ query: unknown; method: string }>({ method: 'DELETE', path: '/nodes/pve/qemu/100', params: { purge: '1' } });
    expect(del).toMatchObject({ method: 'DELETE', query: { purge: '1' } });
    const post = await client.request<{ form: unknown }>({ method: 'POST', path: '/nodes/pve/qemu', params });
    expect(post.form).toEqual(got.query);
    const put = await client.request<{ form: unknown }>({ method: 'PUT', path: '/nodes/pve/qemu/100/config', params: { memory: '2048' } });
    expect(put.form).toEqual({ memory: '2048' });
    await client.request({ method: 'POST', path: '/cluster/sdn', params: { x: '1' }, json: true });
    const last = server.requests.at(-1)!;
    expect(last.headers['content-type']).toBe('application/json');
    expect(JSON.parse(last.body)).toEqual({ x: '1' });
    await client.request({ method: 'GET', path: '/nodes/pve/tasks/UPID:pve:00001:0002:65A0:qmstart:100:root@pam:/status' });
    expect(server.requests.at(-1)!.path).toBe('/nodes/pve/tasks/UPID:pve:00001:0002:65A0:qmstart:100:root@pam:/status');
    await client.close();
  });

  it('maps 400 with per-parameter errors to exit 7, 401 to 4, 403 to 5, 404 to 6, with the reason phrase', async () => {
    server.script('POST', '/nodes/pve/qemu', [{ status: 400, reason: 'Parameter verification failed.', errors: { vmid: 'invalid format - value does not look like a valid VM ID', memory: 'value must be at least 16' } }]);
    server.script('GET', '/access/acl', [{ status: 403, reason: 'Permission check failed (/access, Sys.Audit)' }]);
    server.script('GET', '/nodes/nope', [{ status: 404, reason: 'no such node' }]);
    const e400 = await failure(once(settings(token), '/nodes/pve/qemu', 'POST'));
    expect(e400.exitCode).toBe(7);
    expect(e400.message).toContain('Parameter verification failed.');
    expect(e400.hint).toContain('vmid: invalid format - value does not look like a valid VM ID');
    expect(e400.hint).toContain('memory: value must be at least 16');
    expect((await failure(once(settings(token), '/access/acl'))).exitCode).toBe(5);
    const e404 = await failure(once(settings(token), '/nodes/nope'));
    expect(e404.exitCode).toBe(6);
    expect(e404.message).toContain('no such node');
    const e401 = await failure(once(settings({ tokenId: TOKEN_ID, tokenSecret: 'wrong-secret-value' })));
    expect(e401.exitCode).toBe(4);
  });

  it('names the failure and the host for refused connections and unknown names (exit 3)', async () => {
    const port = await freePort();
    const refused = await failure(once(settings({ ...token, url: `https://127.0.0.1:${port}` })));
    expect(refused.exitCode).toBe(3);
    expect(refused.message).toContain(`127.0.0.1:${port}`);
    expect(refused.message).toMatch(/refused/);
    const dns = await failure(once(settings({ ...token, url: 'https://no-such-host.invalid:8006' })));
    expect(dns.exitCode).toBe(3);
    expect(dns.message).toMatch(/no-such-host\.invalid:8006.*DNS/);
  });

  it('also speaks plain http:// (no TLS)', async () => {
    const plainServer = createHttpServer((req, res) => {
      const body = JSON.stringify({ data: { url: req.url, auth: req.headers.authorization === `PVEAPIToken=${TOKEN_ID}=${TOKEN_SECRET}` } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    await new Promise<void>((r) => plainServer.listen(0, '127.0.0.1', r));
    const { port } = plainServer.address() as AddressInfo;
    try {
      expect(await once(settings({ ...token, url: `http://127.0.0.1:${port}`, pathPrefix: '/pve' }), '/version')).toEqual({ url: '/pve/api2/json/version', auth: true });
    } finally {
      plainServer.close();
    }
  });

  it('traces one line per exchange with method, URL, status and time', async () => {
    const c = capture();
    const client = createClient(settings(token), c);
    await client.request({ method: 'GET', path: '/version' });
    await client.close();
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatch(new RegExp(`^GET ${server.url}/api2/json/version → 200 OK \\(\\d+ ms\\)$`));
  });

  it('describes a dry run with the credentials redacted and opens no connection', () => {
    const before = server.requests.length;
    const t = describeRequest(settings(token), { method: 'POST', path: '/nodes/pve/qemu', params: { vmid: '100', password: 'guest-pw' } });
    expect(t).toMatchObject({ method: 'POST', url: `${server.url}/api2/json/nodes/pve/qemu`, body: 'vmid=100&password=<redacted>' });
    expect(t.headers.authorization).toBe(`PVEAPIToken=${TOKEN_ID}=<redacted>`);
    const u = describeRequest(settings(user), { method: 'PUT', path: '/x', params: {} });
    expect(u.headers).toMatchObject({ cookie: 'PVEAuthCookie=<redacted>', csrfpreventiontoken: '<redacted>' });
    const pbs = describeRequest(settings({ ...token, service: 'PBS', pathPrefix: '/pbs' }), { method: 'GET', path: '/status', params: { a: '1' } });
    expect(pbs.url).toBe(`${server.url}/pbs/api2/json/status?a=1`);
    expect(pbs.headers.authorization).toBe(`PBSAPIToken=${TOKEN_ID}:<redacted>`);
    captured.push(JSON.stringify([t, u, pbs]));
    expect(server.requests.length).toBe(before);
  });
});

describe('ticket auth', () => {
  it('logs in once, sends cookie and CSRF token on writes, caches the ticket 0600 in a 0700 dir', async () => {
    server.reset();
    const s = settings(user);
    const client = createClient(s, capture());
    await client.request({ method: 'GET', path: '/nodes' });
    await client.request({ method: 'POST', path: '/nodes/pve/qemu', params: { vmid: '100' } });
    await client.request({ method: 'DELETE', path: '/nodes/pve/qemu/100' });
    await client.close();
    expect(server.logins).toEqual([{ kind: 'password', username: 'alice@pve' }]);
    const login = server.requests.find((r) => r.path === '/access/ticket')!;
    expect(login.form).toMatchObject({ username: 'alice@pve', 'new-format': '1' });
    const write = server.requests.find((r) => r.method === 'POST' && r.path === '/nodes/pve/qemu')!;
    expect(write.headers.csrfpreventiontoken).toBeTruthy();
    expect(write.headers.cookie).toMatch(/^PVEAuthCookie=PVE:alice@pve:/);
    const file = ticketCachePath(s.cacheDir, s.profile);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(s.cacheDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(s.cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the test server refuses a write that lacks the CSRF header', async () => {
    const s = settings(user);
    await once(s, '/nodes');
    const { ticket } = JSON.parse(readFileSync(ticketCachePath(s.cacheDir, s.profile), 'utf8')) as { ticket: string };
    const status = await new Promise<number>((done, fail) => {
      const req = httpsRequest(`${server.url}/api2/json/nodes/pve/qemu`, { method: 'POST', rejectUnauthorized: false, headers: { cookie: `PVEAuthCookie=${ticket}`, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.once('error', fail);
      req.end('vmid=100');
    });
    expect(status).toBe(401);
  });

  it('a second process reuses the cached ticket: the server sees no second login', async () => {
    const s = settings(user);
    await once(s, '/nodes');
    const logins = server.logins.length;
    const child = await runChild(s, { method: 'POST', path: '/nodes/pve/qemu', params: { vmid: '101' } });
    expect(child.code, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ method: 'POST', form: { vmid: '101' } });
    expect(server.logins.length).toBe(logins);
  });

  it('a cached ticket serves only the password that obtained it: a wrong one logs in afresh and fails', async () => {
    const s = settings(user);
    await once(s, '/nodes');
    const cached = readFileSync(ticketCachePath(s.cacheDir, s.profile), 'utf8');
    expect(cached).not.toContain(PASSWORD);
    server.reset();
    await expect(once({ ...s, password: 'not-the-password' }, '/nodes')).rejects.toMatchObject({ exitCode: 4 });
    expect(server.logins).toEqual([{ kind: 'failed', username: 'alice@pve' }]);
    // The right password still rides on a valid ticket without a login.
    await once(s, '/nodes');
    server.reset();
    await once(s, '/nodes');
    expect(server.logins).toEqual([]);
  });

  it('renews a ticket near the end of its lifetime with the old ticket as password', async () => {
    const s = settings(user);
    await once(s, '/nodes');
    const file = ticketCachePath(s.cacheDir, s.profile);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { ticket: string; obtainedAt: number };
    writeFileSync(file, JSON.stringify({ ...cached, obtainedAt: Date.now() - 100 * 60 * 1000 }), { mode: 0o600 });
    server.reset();
    await once(s, '/nodes');
    expect(server.logins).toEqual([{ kind: 'renew', username: 'alice@pve' }]);
    const renewed = JSON.parse(readFileSync(file, 'utf8')) as { ticket: string; obtainedAt: number };
    expect(renewed.ticket).not.toBe(cached.ticket);
    expect(Date.now() - renewed.obtainedAt).toBeLessThan(60_000);
    // An expired one is not sent at all: a fresh password login.
    writeFileSync(file, JSON.stringify({ ...renewed, obtainedAt: Date.now() - 3 * 60 * 60 * 1000 }), { mode: 0o600 });
    server.reset();
    await once(s, '/nodes');
    expect(server.logins).toEqual([{ kind: 'password', username: 'alice@pve' }]);
  });

  it('a long-running client renews its ticket in place as it ages', async () => {
    const s = settings(user);
    const client = createClient(s, capture());
    server.reset();
    await client.request({ method: 'GET', path: '/nodes' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 100 * 60 * 1000);
      await client.request({ method: 'GET', path: '/nodes' });
      await client.request({ method: 'GET', path: '/nodes' });
    } finally {
      vi.useRealTimers();
      await client.close();
    }
    expect(server.logins.map((l) => l.kind)).toEqual(['password', 'renew']);
  });

  it('after a 401 on a cached ticket logs in once more and repeats the request once', async () => {
    const s = settings(user);
    await once(s, '/nodes');
    server.revokeTickets();
    server.reset();
    expect(await once(s, '/nodes/pve/status')).toMatchObject({ path: '/nodes/pve/status' });
    expect(server.logins).toEqual([{ kind: 'password', username: 'alice@pve' }]);
    expect(server.count('GET', '/nodes/pve/status')).toBe(2);
  });

  it('concurrent requests share one login, and one re-login after their 401s', async () => {
    const s = settings(user);
    const client = createClient(s, capture());
    server.reset();
    await Promise.all([1, 2, 3, 4].map(() => client.request({ method: 'GET', path: '/nodes' })));
    server.revokeTickets();
    await Promise.all([1, 2, 3, 4].map(() => client.request({ method: 'GET', path: '/nodes' })));
    await client.close();
    expect(server.logins.map((l) => l.kind)).toEqual(['password', 'password']);
  });

  it('a wrong password is exit 4', async () => {
    const err = await failure(once(settings({ username: 'alice@pve', password: 'not-the-password' })));
    expect(err.exitCode).toBe(4);
    expect(err.message).toMatch(/login as alice@pve failed/);
  });
});

describe('two-factor authentication', () => {
  const bob = { username: 'bob@pve', password: PASSWORD };

  it('completes the tfa-challenge with the OTP from settings', async () => {
    server.reset();
    const s = settings({ ...bob, otp: TOTP });
    expect(await once(s, '/nodes')).toMatchObject({ path: '/nodes' });
    expect(server.logins.map((l) => l.kind)).toEqual(['tfa-pending', 'tfa']);
    const second = server.requests.filter((r) => r.path === '/access/ticket')[1]!;
    expect(second.form).toMatchObject({ username: 'bob@pve', password: `totp:${TOTP}` });
    expect(String(second.form['tfa-challenge'])).toMatch(/^PVE:!tfa!/);
    // The full ticket is cached: the next run needs no code.
    server.reset();
    await once({ ...s, otp: undefined }, '/nodes');
    expect(server.logins).toEqual([]);
  });

  it('accepts a recovery key', async () => {
    server.reset();
    await once(settings({ ...bob, otp: RECOVERY, otpType: 'recovery' }), '/nodes');
    expect(server.logins.map((l) => l.kind)).toEqual(['tfa-pending', 'tfa']);
  });

  it('without a TTY and without a code exits 4 naming PROXMOX_API_OTP', async () => {
    const err = await failure(once(settings(bob), '/nodes', 'GET', { interactive: false }));
    expect(err.exitCode).toBe(4);
    expect(`${err.message}\n${err.hint}`).toContain('PROXMOX_API_OTP');
  });

  it('a wrong code is exit 4; webauthn is refused clearly', async () => {
    const wrong = await failure(once(settings({ ...bob, otp: '000000' }), '/nodes'));
    expect(wrong.exitCode).toBe(4);
    expect(wrong.message).toMatch(/two-factor authentication as bob@pve failed/);
    const webauthn = await failure(once(settings({ ...bob, otp: 'x', otpType: 'webauthn' }), '/nodes'));
    expect(webauthn.exitCode).toBe(4);
    expect(webauthn.message).toMatch(/webauthn is not possible from the command line/);
  });
});

describe('proxy (tinyproxy)', () => {
  const tunnels = () => proxy.log().split('\n').filter((l) => l.includes(`CONNECT 127.0.0.1:${server.port}`)).length;

  it('sends requests and the login through HTTPS_PROXY; the proxy log shows them', async () => {
    await withEnv({ HTTPS_PROXY: proxy.url }, async () => {
      const before = tunnels();
      server.reset();
      const c = capture();
      const s = settings(user);
      const client = createClient(s, c);
      await client.request({ method: 'GET', path: '/nodes' });
      await client.request({ method: 'POST', path: '/nodes/pve/qemu', params: { vmid: '102' } });
      await client.close();
      expect(server.logins).toHaveLength(1);
      expect(tunnels()).toBeGreaterThan(before);
      expect(c.lines.join('\n')).toContain(`using proxy 127.0.0.1:${proxy.port}`);
    });
  });

  it('uses the explicit proxy setting (lowercase env ignored), with the same TLS behaviour', async () => {
    const before = tunnels();
    expect(await once(settings({ ...token, proxy: proxy.url }))).toMatchObject({ method: 'GET' });
    expect(tunnels()).toBe(before + 1);
    const untrusted = await failure(once(settings({ ...token, proxy: proxy.url, fingerprint: undefined })));
    expect(untrusted.exitCode).toBe(3);
    expect(untrusted.message).toContain(server.cert.fingerprint);
    const wrong = await failure(once(settings({ ...token, proxy: proxy.url, fingerprint: '00'.repeat(32) })));
    expect(wrong.exitCode).toBe(3);
    expect((await once(settings({ ...token, proxy: proxy.url, verifyTls: false, fingerprint: undefined })))).toMatchObject({ method: 'GET' });
  });

  it('NO_PROXY bypasses the proxy', async () => {
    await withEnv({ https_proxy: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }, async () => {
      const before = tunnels();
      await once(settings(token));
      expect(tunnels()).toBe(before);
    });
  });

  it('NO_PROXY bypasses the explicit proxy too (PROXMOX_API_HTTPS_PROXY, a profile\'s proxy)', async () => {
    await withEnv({ NO_PROXY: '127.0.0.1' }, async () => {
      const before = tunnels();
      const c = capture();
      expect(await once(settings({ ...token, proxy: proxy.url }), '/nodes/pve/status', 'GET', c)).toMatchObject({ method: 'GET' });
      expect(tunnels()).toBe(before);
      expect(c.lines.join('\n')).not.toContain('using proxy');
    });
  });

  it('a proxy that never answers CONNECT is a connect timeout naming the proxy (exit 3)', async () => {
    const silent = createNetServer((socket) => socket.on('data', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    try {
      const err = await failure(once(settings({ ...token, proxy: `http://127.0.0.1:${port}`, connectTimeout: 0.5 })));
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(new RegExp(`connect timeout after 0.5 s to 127.0.0.1:${server.port} through proxy 127.0.0.1:${port}`));
    } finally {
      silent.close();
    }
  });

  it('authenticates to a proxy with credentials in its URL; a refused CONNECT names the proxy', async () => {
    const guarded = await startTinyproxy({ basicAuth: { user: 'pxuser', password: PROXY_PASSWORD } });
    try {
      const withAuth = `http://pxuser:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${guarded.port}`;
      expect(await once(settings({ ...token, proxy: withAuth }))).toMatchObject({ method: 'GET' });
      const err = await failure(once(settings({ ...token, proxy: `http://127.0.0.1:${guarded.port}` })));
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(new RegExp(`proxy 127.0.0.1:${guarded.port} refused CONNECT to 127.0.0.1:${server.port}: 407`));
    } finally {
      await guarded.stop();
    }
  });

  it('a dead proxy is exit 3 and says "proxy"', async () => {
    const port = await freePort();
    const err = await failure(once(settings({ ...token, proxy: `http://127.0.0.1:${port}` })));
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/proxy 127\.0\.0\.1:\d+.*refused/);
  });
});

/** The same behaviour directly and through the CONNECT tunnel: one TLS check, one auth, one retry policy. */
describe.each(['direct', 'tinyproxy'] as const)('same behaviour %s', (mode) => {
  const via = (over: Partial<ConnectionSettings> = {}) => settings({ ...(mode === 'tinyproxy' ? { proxy: proxy.url } : {}), ...over });

  it('TLS: pin accepts, unknown is exit 3 with the fingerprint, wrong pin is exit 3, insecure works', async () => {
    expect(await once(via(token))).toMatchObject({ method: 'GET' });
    const unknown = await failure(once(via({ ...token, fingerprint: undefined })));
    expect([unknown.exitCode, unknown.message.includes(server.cert.fingerprint)]).toEqual([3, true]);
    expect((await failure(once(via({ ...token, fingerprint: 'AB'.repeat(32) })))).exitCode).toBe(3);
    expect(await once(via({ ...token, fingerprint: undefined, verifyTls: false }))).toMatchObject({ method: 'GET' });
  });

  it('TLS: a CA file is trusted', async () => {
    const caServer = await startTestServer({ cert: makeCaSignedCert(), tokens: { [TOKEN_ID]: TOKEN_SECRET } });
    try {
      expect(await once(via({ ...token, fingerprint: undefined, caFile: caServer.cert.ca, url: `https://localhost:${caServer.port}` }))).toMatchObject({ method: 'GET' });
    } finally {
      await caServer.close();
    }
  });

  it('ticket login, CSRF-protected write, cached ticket reused', async () => {
    server.reset();
    const s = via(user);
    expect(await once(s, '/nodes/pve/qemu', 'POST')).toMatchObject({ method: 'POST' });
    expect(await once(s, '/nodes/pve/qemu/100', 'DELETE')).toMatchObject({ method: 'DELETE' });
    expect(server.logins).toHaveLength(1);
  });

  it('retries GET on 503 but never POST; a hang is exit 9', async () => {
    server.reset();
    server.script('GET', '/same/retry', [{ status: 503 }, { data: 'ok' }]);
    server.script('POST', '/same/retry', [{ status: 503 }, { data: 'never' }]);
    server.script('GET', '/same/hang', [{ hang: true }]);
    expect(await once(via({ ...token, retries: 1 }), '/same/retry')).toBe('ok');
    expect((await failure(once(via({ ...token, retries: 1 }), '/same/retry', 'POST'))).exitCode).toBe(7);
    expect([server.count('GET', '/same/retry'), server.count('POST', '/same/retry')]).toEqual([2, 1]);
    expect((await failure(once(via({ ...token, timeout: 0.5 }), '/same/hang'))).exitCode).toBe(9);
  });
});

describe('timeouts and retries', () => {
  it('retries a GET on 503, 503 and succeeds on the third send', async () => {
    server.reset();
    server.script('GET', '/cluster/resources', [{ status: 503, reason: 'Service Unavailable' }, { status: 503, reason: 'Service Unavailable', headers: { 'retry-after': '0' } }, { data: ['ok'] }]);
    const c = capture();
    const client = createClient(settings({ ...token, retries: 3 }), c);
    expect(await client.request({ method: 'GET', path: '/cluster/resources' })).toEqual(['ok']);
    await client.close();
    expect(server.count('GET', '/cluster/resources')).toBe(3);
    expect(c.lines.filter((l) => l.startsWith('retry '))).toHaveLength(2);
  });

  it('gives up after `retries` retries with the last reply (exit 7)', async () => {
    server.reset();
    server.script('GET', '/cluster/status', [{ status: 502, reason: 'Bad Gateway' }, { status: 504, reason: 'Gateway Timeout' }]);
    const err = await failure(once(settings({ ...token, retries: 1 }), '/cluster/status'));
    expect(err.exitCode).toBe(7);
    expect(err.message).toContain('Gateway Timeout');
    expect(server.count('GET', '/cluster/status')).toBe(2);
  });

  it('never retries a POST: a 503 reply means it was sent exactly once', async () => {
    server.reset();
    server.script('POST', '/nodes/pve/qemu', [{ status: 503, reason: 'Service Unavailable' }, { data: 'second' }]);
    const err = await failure(once(settings({ ...token, retries: 5 }), '/nodes/pve/qemu', 'POST'));
    expect(err.exitCode).toBe(7);
    expect(server.count('POST', '/nodes/pve/qemu')).toBe(1);
  });

  it('a server that accepts and never answers is exit 9 after the timeout, and a timed-out GET is not retried', async () => {
    server.reset();
    server.script('GET', '/nodes/pve/hang', [{ hang: true }, { hang: true }, { hang: true }]);
    const started = Date.now();
    const err = await failure(once(settings({ ...token, timeout: 1.5, retries: 2 }), '/nodes/pve/hang'));
    expect(err.exitCode).toBe(9);
    expect(err.message).toMatch(/timed out after 1.5 s/);
    // A lower bound only (the limit did not fire early): an upper one would measure the machine's load.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(server.count('GET', '/nodes/pve/hang')).toBe(1);
  });

  it('retries a GET whose connection was reset, but not a PUT', async () => {
    server.reset();
    server.script('GET', '/nodes/pve/reset', [{ reset: true }, { data: 'after reset' }]);
    expect(await once(settings({ ...token, retries: 1 }), '/nodes/pve/reset')).toBe('after reset');
    expect(server.count('GET', '/nodes/pve/reset')).toBe(2);
    server.script('PUT', '/nodes/pve/reset', [{ reset: true }, { data: 'never' }]);
    const err = await failure(once(settings({ ...token, retries: 3 }), '/nodes/pve/reset', 'PUT'));
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/reset/);
    expect(server.count('PUT', '/nodes/pve/reset')).toBe(1);
  });

  it('resends a GET once when a pooled keep-alive socket turns out closed, even with retries 0; never a POST', async () => {
    server.reset();
    server.script('GET', '/nodes/pve/stale', [{ reset: true }, { data: 'fresh socket' }]);
    server.script('POST', '/nodes/pve/stale', [{ reset: true }, { data: 'never' }]);
    const client = createClient(settings({ ...token, retries: 0 }), capture());
    await client.request({ method: 'GET', path: '/version' });
    expect(await client.request({ method: 'GET', path: '/nodes/pve/stale' })).toBe('fresh socket');
    await client.request({ method: 'GET', path: '/version' });
    const err = await failure(client.request({ method: 'POST', path: '/nodes/pve/stale' }));
    await client.close();
    expect(err.exitCode).toBe(3);
    expect(server.count('GET', '/nodes/pve/stale')).toBe(2);
    expect(server.count('POST', '/nodes/pve/stale')).toBe(1);
  });

  /** A peer that accepts TCP and never says a word of TLS. */
  async function withSilentPeer(run: (port: number) => Promise<void>): Promise<void> {
    const silent = createNetServer((socket) => socket.on('data', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      await run((silent.address() as AddressInfo).port);
    } finally {
      silent.close();
    }
  }

  it('a TLS handshake that never completes is a connect timeout: exit 3 naming the host', () =>
    withSilentPeer(async (port) => {
      const err = await failure(once(settings({ ...token, url: `https://127.0.0.1:${port}`, connectTimeout: 0.5, timeout: 5 })));
      expect(err.exitCode).toBe(3);
      // The message says which limit ended it: the connect timeout, not the 5 s request timeout.
      expect(err.message).toMatch(new RegExp(`connect timeout after 0.5 s to 127.0.0.1:${port}`));
    }));

  it('the request timeout also bounds a TLS handshake that never completes (exit 9, not the connect timeout)', () =>
    withSilentPeer(async (port) => {
      const err = await failure(once(settings({ ...token, url: `https://127.0.0.1:${port}`, connectTimeout: 20, timeout: 0.8 })));
      expect(err.exitCode).toBe(9);
      expect(err.message).toMatch(/timed out after 0.8 s/);
    }));

  it('a caller abort is exit 130', async () => {
    server.script('GET', '/nodes/pve/hang', [{ hang: true }]);
    const client = createClient(settings(token), capture());
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await failure(client.request({ method: 'GET', path: '/nodes/pve/hang', signal: ac.signal }));
    await client.close();
    expect(err.exitCode).toBe(130);
  });
});

/** The CLI's client bundled on its own by esbuild (independent of dist/), under node_modules so @inquirer/prompts resolves. */
let childModule: string | undefined;
const childBuildDir = join(ROOT, 'node_modules/.cache', `pvecli-http-test-${process.pid}`);
async function builtCore(): Promise<string> {
  if (!childModule) {
    const out = join(childBuildDir, 'api-client.js');
    await build({
      entryPoints: [join(ROOT, 'src/cli/api-client.ts')],
      outfile: out,
      bundle: true,
      external: ['@inquirer/prompts'],
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
    });
    childModule = out;
    expect(existsSync(childModule)).toBe(true);
  }
  return childModule;
}

function childScript(module: string, interactive: boolean): string {
  return `
    const { createCliClient } = require(${JSON.stringify(module)});
    const client = createCliClient(JSON.parse(process.env.PVECLI_TEST_SETTINGS), {
      trace: (l) => console.error(l),
      interactive: ${interactive},
      onTrustFingerprint: async (fp) => console.log('SAVED ' + fp),
    });
    client.request(JSON.parse(process.env.PVECLI_TEST_REQUEST))
      .then((d) => { console.log('RESULT ' + JSON.stringify(d)); return client.close(); })
      .catch((e) => { console.error('error', e.exitCode, e.message, e.hint || ''); process.exitCode = e.exitCode || 1; });`;
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A new node process using the built core, without a terminal. */
async function runChild(s: ConnectionSettings, req: object): Promise<ChildResult> {
  const script = childScript(await builtCore(), false);
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, PVECLI_TEST_SETTINGS: JSON.stringify(s), PVECLI_TEST_REQUEST: JSON.stringify(req) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      captured.push(stdout, stderr);
      done({ code, stdout: stdout.replace(/^RESULT /, ''), stderr });
    });
  });
}

/** The same on a pseudo-terminal (util-linux `script`), typing `answer` when `prompt` shows. */
async function runOnTerminal(s: ConnectionSettings, req: object, prompt: RegExp, answer: string): Promise<ChildResult> {
  const dir = tempDir('pvecli-pty-');
  const file = join(dir, 'child.js');
  writeFileSync(file, childScript(await builtCore(), true));
  return new Promise((done) => {
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`, '/dev/null'], {
      env: { PATH: process.env.PATH, TERM: 'dumb', PVECLI_TEST_SETTINGS: JSON.stringify(s), PVECLI_TEST_REQUEST: JSON.stringify(req) },
    });
    let out = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!answered && prompt.test(out)) {
        answered = true;
        child.stdin.write(answer);
      }
    });
    const timer = setTimeout(() => child.kill(), 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      captured.push(out);
      done({ code, stdout: out, stderr: '' });
    });
  });
}

describe('on a terminal', () => {
  it('offers trust-on-first-use for an unknown certificate and saves the fingerprint', async () => {
    const r = await runOnTerminal(settings({ ...token, fingerprint: undefined }), { method: 'GET', path: '/nodes' }, /Trust it/, 'y\r');
    expect(r.stdout).toContain(server.cert.fingerprint);
    expect(r.stdout).toContain(`SAVED ${server.cert.fingerprint}`);
    if (process.env.PVECLI_TEST_SHOW) console.log(r.stdout);
    expect(r.stdout).toMatch(/RESULT \{"method":"GET","path":"\/nodes"/);
    expect(r.code).toBe(0);
  });

  it('declining the certificate is exit 3', async () => {
    const r = await runOnTerminal(settings({ ...token, fingerprint: undefined }), { method: 'GET', path: '/nodes' }, /Trust it/, 'n\r');
    expect(r.stdout).not.toContain('SAVED');
    expect(r.code).toBe(3);
  });

  it('asks for the TOTP code when no OTP is set', async () => {
    server.reset();
    const r = await runOnTerminal(settings({ username: 'bob@pve', password: PASSWORD }), { method: 'GET', path: '/nodes' }, /TOTP code for bob@pve/, `${TOTP}\r`);
    expect(r.stdout).toMatch(/RESULT \{"method":"GET"/);
    expect(server.logins.map((l) => l.kind)).toEqual(['tfa-pending', 'tfa']);
  });
});

describe('secrets', () => {
  it('no token secret, password, OTP, ticket or CSRF token appears in any captured output', () => {
    const secrets = [TOKEN_SECRET, PASSWORD, `totp:${TOTP}`, RECOVERY, PROXY_PASSWORD, ...server.issuedSecrets];
    expect(captured.length).toBeGreaterThan(30);
    expect(server.issuedSecrets.length).toBeGreaterThan(10);
    for (const text of captured) {
      for (const secret of secrets) {
        expect(text.includes(secret) || text.includes(encodeURIComponent(secret)), `secret leaked in: ${text}`).toBe(false);
      }
    }
  });
});

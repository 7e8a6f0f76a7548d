// `pvecli serve` as users run it: real processes, in mock mode and in real mode in front of `pvecli mock serve`
// (HTTPS, pinned fingerprint) or of a recording upstream that proves what was (not) forwarded.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned } from '../../src/server';
import { BIN, isolatedEnv, runCli } from '../helpers/cli';
import { running, startServe } from '../helpers/serve';
import { startTinyproxy } from '../helpers/tinyproxy';

interface Answer {
  status: number;
  statusText: string;
  body: Record<string, unknown> & { data?: unknown; errors?: Record<string, string>; detail?: Array<{ loc: string[]; msg: string; type: string }> };
}

async function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; form?: Record<string, string>; json?: unknown; raw?: string; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.form) [body, headers['content-type']] = [new URLSearchParams(opts.form).toString(), 'application/x-www-form-urlencoded'];
  if (opts.json !== undefined) [body, headers['content-type']] = [JSON.stringify(opts.json), 'application/json'];
  if (opts.raw !== undefined) [body, headers['content-type']] = [opts.raw, opts.contentType ?? 'application/json'];
  const res = await fetch(`${base}${path.startsWith('/api2') || path.startsWith('/health') || path.startsWith('/mode') ? '' : '/api2/json'}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    parsed = { unparsable: text };
  }
  return { status: res.status, statusText: res.statusText, body: parsed };
}

/** Polls until `find` returns something (a log line is written just after its reply). */
async function eventually<T>(find: () => T | undefined, ms = 5000): Promise<T | undefined> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
    const found = find();
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `pvecli get /version` and `get /nodes` through a gateway, as the README shows them. */
async function expectCliWorks(cli: NodeJS.ProcessEnv): Promise<void> {
  const version = await runCli(['get', '/version', '-o', 'json'], { env: cli });
  expect(version.code, version.stderr).toBe(0);
  expect(JSON.parse(version.stdout)).toMatchObject({ release: '9.2' });
  const nodes = await runCli(['get', '/nodes', '-o', 'json'], { env: cli });
  expect(nodes.code, nodes.stderr).toBe(0);
  expect((JSON.parse(nodes.stdout) as Array<{ node: string }>).map((n) => n.node).sort()).toEqual(['pve', 'pve2', 'pve3']);
}

/** The user in a task's UPID: whose credentials the upstream saw. */
const upidUser = (upid: unknown): string => String(upid).split(':')[7];

afterAll(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

describe('pvecli serve, mock mode', () => {
  let env: NodeJS.ProcessEnv;
  let gw: Serve;
  beforeAll(async () => {
    env = isolatedEnv();
    gw = await startServe([], env);
  }, 30_000);

  it('starts on loopback with one machine-readable start line and answers /health, /mode and the API', async () => {
    expect(gw.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const start = gw.logs().find((l) => l.msg === 'gateway listening')!;
    expect(start).toMatchObject({ mode: 'mock', upstream: 'in-process mock', schema: 'pve-9.2', auth_method: 'token', validation: 'requests' });
    expect(await call(gw.url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ready' } });
    const mode = await call(gw.url, 'GET', '/mode');
    expect(mode.body).toMatchObject({ mode: 'mock', schema_version: 'pve-9.2', proxmox_endpoints: 675, proxmox_paths: 449, proxmox_methods: 675, proxmox_url: null });
    const version = await call(gw.url, 'GET', '/version');
    expect(version.status).toBe(200);
    expect(version.body.data).toMatchObject({ release: '9.2' });
  });

  it("passes the seed's example (valid under the Proxmox schema) on to the mock, and answers creates", async () => {
    // The seed's SDK wants `name`; Proxmox does not. The mock's own answer proves it went through: VM 100 exists.
    const seed = await call(gw.url, 'POST', '/nodes/pve/qemu', { json: { vmid: 100, memory: 2048 } });
    expect(seed.status).toBe(500);
    expect(seed.statusText).toMatch(/VM 100 already exists/);
    const created = await call(gw.url, 'POST', '/nodes/pve/qemu', { json: { vmid: 230, memory: 2048, name: 'gw-json' } });
    expect(created.status).toBe(200);
    expect(String(created.body.data)).toMatch(/^UPID:pve:/);
  });

  it('answers invalid requests with 400, errors and detail; unknown paths with 501; bad JSON with 400', async () => {
    const bad = await call(gw.url, 'POST', '/nodes/pve/qemu', { json: { vmid: 99, memory: 'lots', bogus: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toBeNull();
    expect(bad.body.errors).toEqual({ vmid: '99 is below the minimum 100', memory: "value 'lots' is not an integer", bogus: 'unknown parameter' });
    expect(bad.body.detail).toEqual([
      { loc: ['body', 'vmid'], msg: '99 is below the minimum 100', type: 'value_error' },
      { loc: ['body', 'memory'], msg: "value 'lots' is not an integer", type: 'value_error' },
      { loc: ['body', 'bogus'], msg: 'unknown parameter', type: 'extra_forbidden' },
    ]);
    const missing = await call(gw.url, 'POST', '/nodes/pve/qemu', { form: { memory: '512' } });
    expect(missing.body.detail).toEqual([{ loc: ['body', 'vmid'], msg: 'missing required parameter', type: 'missing' }]);
    const query = await call(gw.url, 'GET', '/cluster/resources?type=nonsense');
    expect(query.status).toBe(400);
    expect(query.body.detail?.[0].loc).toEqual(['query', 'type']);
    const path = await call(gw.url, 'GET', '/nodes/pve/qemu/abc/config');
    expect(path.status).toBe(400);
    expect(path.body.detail?.[0].loc).toEqual(['path', 'vmid']);
    const unknown = await call(gw.url, 'GET', '/no/such/path');
    expect(unknown).toMatchObject({ status: 501, statusText: "Method 'GET /no/such/path' not implemented" });
    expect((await call(gw.url, 'PATCH', '/version')).status).toBe(501);
    const json = await call(gw.url, 'POST', '/nodes/pve/qemu', { raw: '{"vmid": 240,' });
    expect(json).toMatchObject({ status: 400, statusText: 'malformed JSON body' });
    // None of them created anything.
    const vms = (await call(gw.url, 'GET', '/cluster/resources?type=vm')).body.data as Array<{ vmid: number }>;
    expect(vms.map((v) => v.vmid)).not.toContain(99);
    expect(vms.map((v) => v.vmid)).not.toContain(240);
  });

  it('logs one JSON line per request: method, operation template, status, duration, client; no secrets', async () => {
    await call(gw.url, 'GET', '/nodes/pve/qemu/100/status/current', { headers: { Cookie: 'PVEAuthCookie=secret-ticket-value' } });
    const line = await eventually(() => gw.logs().find((l) => l.msg === 'request' && l.operation === '/nodes/{node}/qemu/{vmid}/status/current'));
    expect(line).toMatchObject({ level: 'info', method: 'GET', status: 401, client: '127.0.0.1' });
    expect(typeof line!.ms).toBe('number');
    expect(JSON.stringify(gw.logs())).not.toContain('secret-ticket-value');
  });

  it('counts requests, refusals by validation and upstream time in /metrics (Prometheus text)', async () => {
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^pvecli_gateway_requests_total\{method="GET",operation="\/version",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^pvecli_gateway_requests_total\{method="GET",operation="\(unknown\)",status="501"\} [1-9]/m);
    expect(text).toMatch(/^pvecli_gateway_invalid_requests_total\{operation="\/nodes\/\{node\}\/qemu"\} [1-9]/m);
    expect(text).toMatch(/^pvecli_gateway_upstream_seconds_count [1-9]/m);
    expect(text).toMatch(/^# TYPE pvecli_gateway_upstream_seconds histogram$/m);
  });

  it('describes the schema in /openapi.json (OpenAPI 3.1): paths, parameters, form and JSON bodies, replies', async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<Record<string, unknown>>; requestBody?: { content: Record<string, { schema: { required?: string[]; properties: Record<string, unknown> } }> }; responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0)).toBe(675);
    const create = doc.paths['/nodes/{node}/qemu'].post;
    expect(create.parameters).toEqual([expect.objectContaining({ name: 'node', in: 'path', required: true })]);
    expect(Object.keys(create.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    const body = create.requestBody!.content['application/json'].schema;
    expect(body.required).toContain('vmid');
    expect(body.properties).toHaveProperty('net0');
    expect(body.properties).toHaveProperty('memory');
    const list = doc.paths['/cluster/resources'].get;
    expect(list.parameters).toContainEqual(expect.objectContaining({ name: 'type', in: 'query', required: false, schema: expect.objectContaining({ enum: expect.arrayContaining(['vm', 'storage']) }) }));
    expect(list.responses['200']).toMatchObject({ content: { 'application/json': { schema: { properties: { data: { type: 'array' } } } } } });
  });

  it('prints the same document offline with `pvecli schema openapi` (pbs-4 via --schema, pve-9.2 by default)', async () => {
    const served = await (await fetch(`${gw.url}/openapi.json`)).text();
    const offline = await runCli(['schema', 'openapi'], { env });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(served + '\n');
    const pbs = await runCli(['schema', 'openapi', '--schema', 'pbs-4'], { env });
    expect(pbs.code).toBe(0);
    expect(JSON.parse(pbs.stdout)).toMatchObject({ openapi: '3.1.0', info: { title: expect.stringMatching(/^PBS API 4/) } });
    const unknown = await runCli(['schema', 'openapi', '--schema', 'nope'], { env });
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
  });

  it('serves pvecli itself: password login, ticket and CSRF token pass through', async () => {
    const cli = { ...env, PROXMOX_API_URL: gw.url, PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: 'pvecli-demo' };
    await expectCliWorks(cli);
    const pool = await runCli(['create', '/pools', '--poolid', 'through-gateway'], { env: cli });
    expect(pool.code, pool.stderr).toBe(0);
    const pools = await runCli(['get', '/pools', '-o', 'json'], { env: cli });
    expect(JSON.parse(pools.stdout)).toContainEqual(expect.objectContaining({ poolid: 'through-gateway' }));
  }, 30_000);

  it('refuses clients outside --trusted-clients without a key (401), accepts a Bearer key', async () => {
    const keyed = await startServe(['--trusted-clients', '10.255.255.0/24'], { ...env, PVECLI_GATEWAY_KEYS: 'env:GW_KEYS', GW_KEYS: 'first-key\nsecond-key' });
    try {
      expect((await call(keyed.url, 'GET', '/version')).status).toBe(401);
      expect((await call(keyed.url, 'GET', '/version', { headers: { Authorization: 'Bearer wrong-key' } })).status).toBe(401);
      const ok = await call(keyed.url, 'GET', '/version', { headers: { Authorization: 'Bearer second-key' } });
      expect(ok.status).toBe(200);
      // /health is for this host, whatever --trusted-clients says; /metrics for those who may use the credentials.
      expect((await call(keyed.url, 'GET', '/health')).status).toBe(200);
      expect((await fetch(`${keyed.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${keyed.url}/metrics`, { headers: { Authorization: 'Bearer first-key' } })).status).toBe(200);
    } finally {
      expect(await keyed.stop()).toBe(0);
    }
  }, 30_000);

  it('listens over HTTPS with --tls-cert/--tls-key and refuses bodies over 1 MiB with 413', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvecli-gw-tls-'));
    const pair = generateSelfSigned('gateway-test');
    writeFileSync(join(dir, 'cert.pem'), pair.cert);
    writeFileSync(join(dir, 'key.pem'), pair.key);
    const tls = await startServe(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], env);
    try {
      expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const version = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
        https.get(`${tls.url}/api2/json/version`, { ca: pair.cert }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        }).on('error', reject);
      });
      expect(version.status).toBe(200);
      expect(JSON.parse(version.body)).toMatchObject({ data: { release: '9.2' } });
    } finally {
      expect(await tls.stop()).toBe(0);
    }
    const big = await call(gw.url, 'POST', '/pools', { form: { poolid: 'big', comment: 'x'.repeat(1024 * 1024 + 1) } });
    expect(big.status).toBe(413);
  }, 30_000);

  it('keeps mock state in --state across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pvecli-gw-state-')), 'state.json');
    const first = await startServe(['--state', file], env);
    expect((await call(first.url, 'POST', '/pools', { form: { poolid: 'kept' } })).status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await startServe(['--state', file], env);
    try {
      const pools = (await call(second.url, 'GET', '/pools')).body.data as Array<{ poolid: string }>;
      expect(pools.map((p) => p.poolid)).toContain('kept');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 30_000);

  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
  it.skipIf(!outside)('answers /health only to this host: 404 to a client from another address', async () => {
    const wide = await startServe(['--host', '0.0.0.0', '--trusted-clients', ''], env);
    try {
      const port = new URL(wide.url).port;
      // A request to this machine's own non-loopback address comes from that address, not from loopback.
      expect((await call(`http://${outside}:${port}`, 'GET', '/health')).status).toBe(404);
      expect((await call(`http://127.0.0.1:${port}`, 'GET', '/health')).status).toBe(200);
      expect((await call(`http://${outside}:${port}`, 'GET', '/version')).status).toBe(401);
    } finally {
      expect(await wide.stop()).toBe(0);
    }
  }, 30_000);

  it('refuses bad settings with exit 2 and one line', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--mode', 'fake'], {}, /--mode/],
      [[], { PROXMOX_API_MODE: 'fake' }, /PROXMOX_API_MODE: expected mock or real/],
      [[], { PORT: 'http' }, /PORT: expected a TCP port/],
      [['--port', '0', '--tls-cert', '/nonexistent'], {}, /--tls-cert and --tls-key go together/],
      [['--port', '0', '--tls-cert', '/nonexistent', '--tls-key', '/nonexistent'], {}, /--tls-cert: cannot read \/nonexistent/],
      [['--port', '0', '--trusted-clients', '10.0.0.0/33'], {}, /--trusted-clients: '10.0.0.0\/33'/],
      [['--port', '0'], { PVECLI_GATEWAY_KEYS: 'literal-key' }, /PVECLI_GATEWAY_KEYS must be a reference/],
      [['--port', '0'], { PVECLI_GATEWAY_KEYS: 'env:UNSET_KEYS' }, /PVECLI_GATEWAY_KEYS refers to env:UNSET_KEYS, which is not set/],
      [['--port', '0', '--mode', 'real'], {}, /--mode real needs an upstream Proxmox/],
    ];
    for (const [args, extra, message] of cases) {
      const r = await runCli(['serve', ...args], { env: { ...env, ...extra } });
      expect(r.code, `${args.join(' ')} ${JSON.stringify(extra)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});

/** `pvecli mock serve` over HTTPS; its URL and certificate fingerprint. */
async function startMockServe(env: NodeJS.ProcessEnv, tokens: string[]): Promise<{ url: string; fingerprint: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'mock', 'serve', '--port', '0', '-o', 'json', ...tokens.flatMap((t) => ['--token', t])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(proc);
  const line = await new Promise<string>((resolve) => {
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
  });
  return { ...(JSON.parse(line) as { url: string; fingerprint: string }), proc };
}

describe('pvecli serve, real mode in front of pvecli mock serve (HTTPS, pinned)', () => {
  const GATEWAY_TOKEN = 'root@pam!gw';
  const OWN_TOKEN = 'PVEAPIToken=alice@pve!own=own-secret';
  let env: NodeJS.ProcessEnv;
  let upstream: { url: string; fingerprint: string; proc: ChildProcess };
  let realEnv: NodeJS.ProcessEnv;
  let gw: Serve;
  beforeAll(async () => {
    env = isolatedEnv();
    upstream = await startMockServe(env, [`${GATEWAY_TOKEN}=gw-secret`, 'alice@pve!own=own-secret']);
    realEnv = { ...env, PROXMOX_API_URL: upstream.url, PROXMOX_API_FINGERPRINT: upstream.fingerprint, PROXMOX_API_TOKEN_ID: GATEWAY_TOKEN, PROXMOX_API_TOKEN_SECRET: 'gw-secret' };
    gw = await startServe(['--mode', 'real'], realEnv);
  }, 30_000);

  it('describes its upstream at start and in /mode, never its secret', async () => {
    const start = gw.logs().find((l) => l.msg === 'gateway listening')!;
    expect(start).toMatchObject({ mode: 'real', upstream: upstream.url, auth_method: 'token', schema: 'pve-9.2' });
    const mode = await call(gw.url, 'GET', '/mode');
    expect(mode.body).toMatchObject({ mode: 'real', proxmox_url: upstream.url, auth_method: 'token', ssl_verify: true, service: 'PVE' });
    expect(JSON.stringify(gw.logs()) + JSON.stringify(mode.body)).not.toContain('gw-secret');
  });

  it("uses the gateway's token for a trusted client and passes a client's own token unchanged", async () => {
    const trusted = await call(gw.url, 'POST', '/nodes/pve/vzdump', { form: { vmid: '100' } });
    expect(trusted.status).toBe(200);
    expect(upidUser(trusted.body.data)).toBe(GATEWAY_TOKEN);
    const own = await call(gw.url, 'POST', '/nodes/pve/vzdump', { form: { vmid: '100' }, headers: { Authorization: OWN_TOKEN } });
    expect(own.status).toBe(200);
    expect(upidUser(own.body.data)).toBe('alice@pve!own');
    const wrong = await call(gw.url, 'GET', '/version', { headers: { Authorization: 'PVEAPIToken=alice@pve!own=not-the-secret' } });
    expect(wrong).toMatchObject({ status: 401, statusText: 'invalid token value!' });
  });

  it('refuses an untrusted client without a key, accepts it with a Bearer key or its own token', async () => {
    const keyed = await startServe(['--mode', 'real', '--trusted-clients', '10.255.255.0/24'], { ...realEnv, PVECLI_GATEWAY_KEYS: 'env:GW_KEYS', GW_KEYS: 'k1,k2' });
    try {
      const refused = await call(keyed.url, 'POST', '/nodes/pve/vzdump', { form: { vmid: '100' } });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ data: null });
      const withKey = await call(keyed.url, 'POST', '/nodes/pve/vzdump', { form: { vmid: '100' }, headers: { Authorization: 'Bearer k2' } });
      expect(withKey.status).toBe(200);
      expect(upidUser(withKey.body.data)).toBe(GATEWAY_TOKEN);
      const own = await call(keyed.url, 'POST', '/nodes/pve/vzdump', { form: { vmid: '100' }, headers: { Authorization: OWN_TOKEN } });
      expect(upidUser(own.body.data)).toBe('alice@pve!own');
    } finally {
      expect(await keyed.stop()).toBe(0);
    }
  }, 30_000);

  it('serves pvecli itself with its own token', async () => {
    const cli = { ...env, PROXMOX_API_URL: gw.url, PROXMOX_API_TOKEN_ID: 'alice@pve!own', PROXMOX_API_TOKEN_SECRET: 'own-secret' };
    await expectCliWorks(cli);
  }, 30_000);

  it('refuses to listen beyond loopback with upstream credentials and no keys, unless --allow-unauthenticated', async () => {
    const refused = await runCli(['serve', '--mode', 'real', '--host', '0.0.0.0', '--port', '0'], { env: realEnv });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
    const allowed = await startServe(['--mode', 'real', '--host', '0.0.0.0', '--allow-unauthenticated'], realEnv);
    try {
      const warning = await eventually(() => allowed.logs().find((l) => l.level === 'warn' && String(l.msg).includes('--allow-unauthenticated')));
      expect(warning).toBeDefined();
    } finally {
      expect(await allowed.stop()).toBe(0);
    }
  }, 30_000);

  it('reaches the upstream through PROXMOX_API_HTTPS_PROXY (tinyproxy)', async () => {
    const proxy = await startTinyproxy();
    const proxied = await startServe(['--mode', 'real'], { ...realEnv, PROXMOX_API_HTTPS_PROXY: proxy.url });
    try {
      const r = await call(proxied.url, 'GET', '/version');
      expect(r.status).toBe(200);
      const port = new URL(upstream.url).port;
      expect(proxy.log().split('\n').filter((l) => l.includes(`CONNECT 127.0.0.1:${port}`))).toHaveLength(1);
    } finally {
      expect(await proxied.stop()).toBe(0);
      await proxy.stop();
    }
  }, 30_000);

  it('answers 502 when the upstream is not the server pinned', async () => {
    const pinned = await startServe(['--mode', 'real'], { ...realEnv, PROXMOX_API_FINGERPRINT: upstream.fingerprint.replace(/^../, '00') });
    try {
      const r = await call(pinned.url, 'GET', '/version');
      expect(r.status).toBe(502);
      expect(r.body.message).toMatch(/does not match the pinned fingerprint/);
    } finally {
      expect(await pinned.stop()).toBe(0);
    }
  }, 30_000);

  it('answers 503 in Proxmox shape when the upstream is down, and /health says so', async () => {
    const exited = new Promise((resolve) => upstream.proc.on('exit', resolve));
    upstream.proc.kill('SIGTERM');
    await exited;
    const down = await call(gw.url, 'GET', '/version');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ data: null, message: expect.stringMatching(/^upstream: cannot connect to 127\.0\.0\.1:\d+/) });
    expect(await call(gw.url, 'GET', '/health')).toMatchObject({ status: 503, body: { status: 'upstream unreachable' } });
    expect(await gw.stop()).toBe(0);
  }, 30_000);
});

/**
 * A plain-HTTP upstream that records every request (`began`; `seen` once read or aborted; the credentials each
 * carried in `auth`) and answers
 * `{"data": ...}`: a ticket for POST /access/ticket, a /version that breaks the schema, 503 under `/nodes/busy/`, after
 * 1.5 s under `/nodes/slow/`.
 */
async function recordingUpstream(): Promise<{ url: string; seen: string[]; began: string[]; auth: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const began: string[] = [];
  const auth: string[] = [];
  const server = http.createServer((req, res) => {
    began.push(`${req.method} ${req.url}`);
    const hash = createHash('sha256');
    let size = 0;
    let text = '';
    req.on('data', (d: Buffer) => {
      hash.update(d);
      size += d.length;
      if (size <= 1024) text += d.toString('utf8');
    });
    req.on('close', () => {
      if (!req.complete) seen.push(`${req.method} ${req.url} aborted after ${size} bytes`);
    });
    req.on('end', () => {
      // Small bodies as text; an upload as its size and digest.
      seen.push(`${req.method} ${req.url} ${size <= 1024 ? text : `${size} bytes sha256:${hash.digest('hex')}`}`);
      auth.push(String(req.headers.authorization ?? req.headers.cookie ?? ''));
      const answer = (status: number, data: unknown) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data }));
      };
      if (req.url === '/api2/json/access/ticket') answer(200, { username: 'root@pam', ticket: 'PVE:root@pam:TICKET', CSRFPreventionToken: 'CSRF' });
      // Two ways off the schema of GET /version: a number for a string, a repoid that is not hex.
      else if (req.url === '/api2/json/version') answer(200, { version: 9, release: '9.2', repoid: 'not-hex' });
      else if (req.url?.startsWith('/api2/json/nodes/busy/')) answer(503, null);
      else if (req.url?.startsWith('/api2/json/nodes/slow/')) setTimeout(() => answer(200, { slow: true }), 1500);
      else answer(200, { seen: seen.length });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    began,
    auth,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('pvecli serve, real mode: nothing invalid is forwarded; SIGTERM drains', () => {
  let upstream: Awaited<ReturnType<typeof recordingUpstream>>;
  let gw: Serve;
  beforeAll(async () => {
    upstream = await recordingUpstream();
    gw = await startServe(['--mode', 'real'], isolatedEnv({ PROXMOX_API_URL: upstream.url, PROXMOX_API_TOKEN_ID: 'root@pam!gw', PROXMOX_API_TOKEN_SECRET: 's' }));
  }, 30_000);
  afterAll(() => upstream.close());

  it('answers ten invalid requests with 400 (or 501) and forwards none of them', async () => {
    const invalid: Array<[string, string, Parameters<typeof call>[3]]> = [
      ['POST', '/nodes/pve/qemu', { json: { vmid: 99 } }],
      ['POST', '/nodes/pve/qemu', { json: { vmid: 100, memory: 'lots' } }],
      ['POST', '/nodes/pve/qemu', { json: { memory: 2048 } }],
      ['POST', '/nodes/pve/qemu', { form: { vmid: '100', net0: 'virtio,bridge=vmbr0,bogus=1' } }],
      ['POST', '/nodes/pve/qemu', { json: { vmid: 100, unknown_param: 1 } }],
      ['PUT', '/nodes/pve/qemu/100/config', { form: { cores: '0' } }],
      ['GET', '/cluster/resources?type=nonsense', {}],
      ['GET', '/nodes/pve/qemu/abc/status/current', {}],
      ['DELETE', '/nodes/pve/qemu/100?purge=maybe', {}],
      ['POST', '/pools', { form: { poolid: 'a b' } }],
    ];
    for (const [method, path, opts] of invalid) {
      const r = await call(gw.url, method, path, opts);
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(Object.keys(r.body.errors ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
      expect(r.body.detail?.length, `${method} ${path}`).toBeGreaterThan(0);
    }
    expect((await call(gw.url, 'GET', '/nodes/pve/nosuch')).status).toBe(501);
    expect((await call(gw.url, 'POST', '/nodes/pve/qemu', { raw: '{' })).status).toBe(400);
    expect(upstream.seen).toEqual([]);
    // The seed's example is valid: it goes through, as sent, with the gateway's token.
    const seed = await call(gw.url, 'POST', '/nodes/pve/qemu', { json: { vmid: 100, memory: 2048 } });
    expect(seed.status).toBe(200);
    expect(upstream.seen).toEqual(['POST /api2/json/nodes/pve/qemu {"vmid":100,"memory":2048}']);
  });

  it('checks an upload on its fields, then streams it upstream whole', async () => {
    const file = randomBytes(24 * 1024 * 1024);
    const boundary = 'gateway-test-boundary';
    const bodyOf = (content: string) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="content"\r\n\r\n${content}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="big.iso"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const upload = (content: string) =>
      fetch(`${gw.url}/api2/json/nodes/pve/storage/local/upload`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: bodyOf(content),
      });
    upstream.seen.length = 0;
    const invalid = await upload('bogus');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as Answer['body']).detail).toEqual([
      { loc: ['body', 'content'], msg: expect.stringContaining("'bogus'") as string, type: 'value_error' },
    ]);
    expect(upstream.seen).toEqual([]);
    const valid = await upload('iso');
    expect(valid.status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
    const sent = bodyOf('iso');
    expect(upstream.seen).toEqual([`POST /api2/json/nodes/pve/storage/local/upload ${sent.length} bytes sha256:${createHash('sha256').update(sent).digest('hex')}`]);
  }, 60_000);

  it('leaves nothing complete upstream when the client disconnects mid-upload', async () => {
    upstream.seen.length = 0;
    upstream.began.length = 0;
    const boundary = 'cut-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="cut.iso"\r\n\r\n`;
    const { port } = new URL(gw.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api2/json/nodes/pve/storage/local/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n${head}`,
    );
    socket.write(Buffer.alloc(1024 * 1024));
    // The fields were valid: the gateway starts the upload upstream while the file still comes.
    expect(await eventually(() => upstream.began.find((l) => l.includes('/upload')))).toBeDefined();
    socket.destroy();
    expect(await eventually(() => upstream.seen.find((l) => l.includes('/upload')))).toMatch(/aborted after \d+ bytes$/);
  }, 30_000);

  it('lets a request in flight finish on SIGTERM, then exits 0', async () => {
    const slow = call(gw.url, 'GET', '/nodes/slow/status');
    await eventually(() => upstream.seen.find((s) => s.includes('/nodes/slow/')));
    const code = gw.stop('SIGTERM');
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(await code).toBe(0);
  }, 30_000);
});

describe('pvecli serve, real mode with a password: one login for all, retries of GET only', () => {
  let upstream: Awaited<ReturnType<typeof recordingUpstream>>;
  let gw: Serve;
  beforeAll(async () => {
    upstream = await recordingUpstream();
    gw = await startServe(
      ['--mode', 'real'],
      isolatedEnv({ PROXMOX_API_URL: upstream.url, PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: 'pw', PROXMOX_API_RETRIES: '2', PROXMOX_API_RETRY_BACKOFF: '0.01' }),
    );
  }, 30_000);
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('logs in once for 50 concurrent requests and sends the ticket with each', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => call(gw.url, 'GET', '/nodes/pve/status')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(upstream.seen.filter((s) => s.startsWith('POST /api2/json/access/ticket'))).toHaveLength(1);
    expect(upstream.auth.filter((a) => a === 'PVEAuthCookie=PVE:root@pam:TICKET')).toHaveLength(50);
    expect(JSON.stringify(gw.logs())).not.toContain('TICKET');
  });

  it('answers 504 when the upstream takes longer than PROXMOX_API_TIMEOUT', async () => {
    const impatient = await startServe(['--mode', 'real'], isolatedEnv({ PROXMOX_API_URL: upstream.url, PROXMOX_API_TOKEN_ID: 'root@pam!gw', PROXMOX_API_TOKEN_SECRET: 's', PROXMOX_API_TIMEOUT: '0.5' }));
    try {
      const r = await call(impatient.url, 'GET', '/nodes/slow/status');
      expect(r.status).toBe(504);
      expect(r.body.message).toMatch(/^upstream: request timed out after 0\.5 s/);
    } finally {
      expect(await impatient.stop()).toBe(0);
    }
  }, 30_000);

  it('retries a GET on 503, never a POST', async () => {
    upstream.seen.length = 0;
    expect((await call(gw.url, 'GET', '/nodes/busy/status')).status).toBe(503);
    expect(upstream.seen.filter((s) => s.startsWith('GET /api2/json/nodes/busy/status'))).toHaveLength(3);
    expect((await call(gw.url, 'POST', '/nodes/busy/vzdump', { form: { vmid: '100' } })).status).toBe(503);
    expect(upstream.seen.filter((s) => s.startsWith('POST /api2/json/nodes/busy/vzdump'))).toHaveLength(1);
  });
});

describe('pvecli serve, real mode: replies checked against the schema', () => {
  let upstream: Awaited<ReturnType<typeof recordingUpstream>>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    upstream = await recordingUpstream();
    env = isolatedEnv({ PROXMOX_API_URL: upstream.url, PROXMOX_API_TOKEN_ID: 'root@pam!gw', PROXMOX_API_TOKEN_SECRET: 's' });
  });
  afterAll(() => upstream.close());

  it('warn (default): passes the reply on with the number of violations in a header, and logs each', async () => {
    const gw = await startServe(['--mode', 'real'], env);
    try {
      const res = await fetch(`${gw.url}/api2/json/version`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-pvecli-response-violations')).toBe('2');
      expect(await res.json()).toEqual({ data: { version: 9, release: '9.2', repoid: 'not-hex' } });
      const logged = await eventually(() => {
        const lines = gw.logs().filter((l) => l.msg === 'reply breaks the schema');
        return lines.length === 2 ? lines : undefined;
      });
      expect(logged).toEqual([
        expect.objectContaining({ level: 'warn', operation: 'GET /version', at: '/repoid' }),
        expect.objectContaining({ level: 'warn', operation: 'GET /version', at: '/version', violation: 'must be string' }),
      ]);
      // The access-log line of the request carries the count too.
      const access = await eventually(() => gw.logs().find((l) => l.msg === 'request' && l.operation === '/version'));
      expect(access).toMatchObject({ status: 200, violations: 2 });
      expect((await call(gw.url, 'GET', '/mode')).body.response_validation).toBe('warn');
      expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/^pvecli_gateway_reply_violations_total\{operation="\/version"\} 2$/m);
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  }, 30_000);

  it('the CLI checks the same with --validate-reply: exit 7, the violations on stderr, nothing on stdout', async () => {
    const bad = await runCli(['get', '/version', '--validate-reply', '--schema', 'pve-9.2', '-o', 'json'], { env });
    expect(bad.code).toBe(7);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^pvecli: the reply to GET \/version does not match the schema pve-9.2 \(2 violations\):\n/);
    expect(bad.stderr).toContain('  /version: must be string\n');
    expect(bad.stderr).toContain('  /repoid: ');
    const unchecked = await runCli(['get', '/version', '--schema', 'pve-9.2', '-o', 'json'], { env });
    expect([unchecked.code, JSON.parse(unchecked.stdout)]).toEqual([0, { version: 9, release: '9.2', repoid: 'not-hex' }]);
  }, 30_000);

  it('strict: answers 502 with the violations; off: passes the reply on unchecked', async () => {
    const strict = await startServe(['--mode', 'real', '--response-validation', 'strict'], env);
    const off = await startServe(['--mode', 'real'], { ...env, PVECLI_RESPONSE_VALIDATION: 'off' });
    try {
      const bad = await call(strict.url, 'GET', '/version');
      expect(bad.status).toBe(502);
      expect(bad.statusText).toMatch(/^upstream reply to GET \/version does not match the schema/);
      expect(bad.body).toMatchObject({ data: null, errors: { '/version': 'must be string' } });
      expect((await fetch(`${strict.url}/api2/json/version`)).headers.get('x-pvecli-response-violations')).toBe('2');
      const passed = await fetch(`${off.url}/api2/json/version`);
      expect(passed.status).toBe(200);
      expect(passed.headers.get('x-pvecli-response-violations')).toBeNull();
    } finally {
      expect(await strict.stop()).toBe(0);
      expect(await off.stop()).toBe(0);
    }
  }, 30_000);
});

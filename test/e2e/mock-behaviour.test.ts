// Issue 5: bad input, state, tasks, persistence and concurrent clients.
import { statSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, resetMockState, startEmbeddedMock, startMockServer } from '../../src/mock';
import { type Reply, request, tempDir, tokenHeader, waitTask as waitForTask } from './mock-helpers';

const TOKEN = 'root@pam!t=secret';
const h = tokenHeader(TOKEN);
const waitTask = (base: string, upid: string) => waitForTask(base, upid, h);

describe('mock: bad input', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN] });
  });
  afterAll(async () => server?.close());
  const alive = async () => expect((await request(server.url, 'GET', '/version', { headers: h })).status).toBe(200);

  it('answers invalid parameters with 400 and per-parameter errors', async () => {
    const r = await request(server.url, 'POST', '/nodes/pve/qemu', { params: { vmid: 'abc', bogus: 1 }, headers: h });
    expect(r.status).toBe(400);
    expect(r.statusText).toBe('Parameter verification failed.');
    expect(r.body.data).toBeNull();
    expect(Object.keys(r.body.errors ?? {}).sort()).toEqual(['bogus', 'vmid']);
    await alive();
  });

  it('answers a malformed form body with 400', async () => {
    const r = await request(server.url, 'POST', '/pools', { rawBody: 'poolid=%zz&comment=%', headers: h });
    expect(r.status).toBe(400);
    await alive();
  });

  it('accepts JSON bodies and refuses malformed JSON with 400', async () => {
    const ok = await request(server.url, 'POST', '/pools', { rawBody: JSON.stringify({ poolid: 'jsonpool', comment: 'from json' }), contentType: 'application/json', headers: h });
    expect(ok.status).toBe(200);
    const bad = await request(server.url, 'POST', '/pools', { rawBody: '{"poolid":', contentType: 'application/json', headers: h });
    expect(bad.status).toBe(400);
    await alive();
  });

  it('answers a body over 1 MB with 413 and keeps serving', async () => {
    const big = 'comment=' + 'x'.repeat(1024 * 1024 + 10);
    const r = await request(server.url, 'POST', '/pools', { rawBody: big, headers: h }).catch((e: Error) => ({ status: -1, error: e.message }) as unknown as Reply);
    expect(r.status).toBe(413);
    await alive();
  });

  it('answers an unknown path with 404 and an unknown method with 501', async () => {
    const nf = await request(server.url, 'GET', '/nodes/pve/no-such-thing', { headers: h });
    expect(nf.status).toBe(404);
    expect(nf.statusText).toMatch(/No such handler/);
    expect((await request(server.url, 'POST', '/nodes', { headers: h })).status).toBe(501);
    expect((await request(server.url, 'PATCH', '/nodes', { headers: h })).status).toBe(501);
    await alive();
  });

  it('treats ids like constructor or __proto__ as plain names', async () => {
    expect((await request(server.url, 'GET', '/pools/constructor', { headers: h })).status).toBe(500);
    expect((await request(server.url, 'POST', '/pools', { params: { poolid: 'constructor' }, headers: h })).status).toBe(200);
    expect((await request(server.url, 'GET', '/pools/constructor', { headers: h })).status).toBe(200);
    // pve-access-control API2/ACL.pm update_acl: an unknown role fails inside the config lock (500).
    const role = await request(server.url, 'PUT', '/access/acl', { params: { path: '/', roles: 'constructor', users: 'alice@pve' }, headers: h });
    expect([role.status, role.statusText]).toEqual([500, "ACL update failed: role 'constructor' does not exist"]);
    await alive();
  });

  it('keeps serving after a connection is cut mid-body', async () => {
    await new Promise<void>((resolve) => {
      const req = https.request(`${server.url}/api2/json/pools`, { method: 'POST', rejectUnauthorized: false, headers: { ...h, 'Content-Length': 1000 } });
      req.on('error', () => resolve());
      req.write('poolid=half');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await alive();
  });
});

describe('mock: guests, tasks and state', () => {
  let server: MockServer;
  const call = (method: string, path: string, params: Record<string, unknown> = {}) => request(server.url, method, path, { params, headers: h });
  beforeAll(async () => {
    // Long enough that a loaded machine still sees the first task running; waitTask polls until it stops.
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], taskDuration: 400 });
  });
  afterAll(async () => server?.close());

  it('runs a VM lifecycle with UPIDs and state checked at each step', async () => {
    const id = (await call('GET', '/cluster/nextid')).body.data;
    expect(id).toBe(103);
    const created = await call('POST', '/nodes/pve/qemu', { vmid: id, name: 'life', memory: 1024, scsi0: 'local-lvm:4', net0: 'virtio,bridge=vmbr0' });
    expect(String(created.body.data)).toMatch(/^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:103:root@pam!t:$/);
    const running = await call('GET', `/nodes/pve/tasks/${encodeURIComponent(String(created.body.data))}/status`);
    expect((running.body.data as Record<string, unknown>).status).toBe('running');
    expect((await waitTask(server.url, String(created.body.data))).exitstatus).toBe('OK');
    expect((await call('POST', '/nodes/pve/qemu', { vmid: id })).status).toBe(500);
    const start = await call('POST', `/nodes/pve/qemu/${id}/status/start`);
    await waitTask(server.url, String(start.body.data));
    expect((await call('GET', `/nodes/pve/qemu/${id}/status/current`)).body.data).toMatchObject({ status: 'running', qmpstatus: 'running' });
    const snap = await call('POST', `/nodes/pve/qemu/${id}/snapshot`, { snapname: 'before', description: 'first' });
    await waitTask(server.url, String(snap.body.data));
    const snaps = (await call('GET', `/nodes/pve/qemu/${id}/snapshot`)).body.data as Array<{ name: string }>;
    expect(snaps.map((s) => s.name)).toEqual(['before', 'current']);
    await waitTask(server.url, String((await call('POST', `/nodes/pve/qemu/${id}/status/stop`)).body.data));
    expect((await call('GET', `/nodes/pve/qemu/${id}/status/current`)).body.data).toMatchObject({ status: 'stopped' });
    const vms = (await call('GET', '/cluster/resources', { type: 'vm' })).body.data as Array<{ vmid: number; status: string }>;
    expect(vms.find((v) => v.vmid === id)).toMatchObject({ status: 'stopped' });
    expect(vms.every((v) => ['qemu', 'lxc'].includes((v as unknown as { type: string }).type))).toBe(true);
    const del = await call('DELETE', `/nodes/pve/qemu/${id}`);
    expect((await waitTask(server.url, String(del.body.data))).exitstatus).toBe('OK');
    expect((await call('GET', `/nodes/pve/qemu/${id}/config`)).status).toBe(500);
  });

  it('sets config with delete= and checks the digest', async () => {
    const cfg = (await call('GET', '/nodes/pve/qemu/100/config')).body.data as Record<string, unknown>;
    expect(cfg.name).toBe('web01');
    expect(cfg.cores).toBe(2);
    const stale = await call('PUT', '/nodes/pve/qemu/100/config', { description: 'x', digest: '0'.repeat(40) });
    expect(stale.status).toBe(500);
    expect(stale.statusText).toMatch(/detected modified configuration/);
    const ok = await call('PUT', '/nodes/pve/qemu/100/config', { description: 'hello', delete: 'vmgenid', digest: String(cfg.digest) });
    expect(ok.status).toBe(200);
    const after = (await call('GET', '/nodes/pve/qemu/100/config')).body.data as Record<string, unknown>;
    expect(after.description).toBe('hello');
    expect(after.vmgenid).toBeUndefined();
  });

  it('resizes disks (never shrinking) and serves RRD series', async () => {
    const grow = await call('PUT', '/nodes/pve/qemu/100/resize', { disk: 'scsi0', size: '+8G' });
    expect(grow.status).toBe(200);
    await waitTask(server.url, String(grow.body.data));
    expect((await call('GET', '/nodes/pve/qemu/100/config')).body.data).toMatchObject({ scsi0: expect.stringMatching(/size=40G/) });
    // qemu-server checks the size in the worker: the call is accepted and its task fails.
    const shrink = await call('PUT', '/nodes/pve/qemu/100/resize', { disk: 'scsi0', size: '10G' });
    expect(shrink.status).toBe(200);
    expect((await waitTask(server.url, String(shrink.body.data))).exitstatus).toBe('shrinking disks is not supported');
    expect((await call('GET', '/nodes/pve/qemu/100/config')).body.data).toMatchObject({ scsi0: expect.stringMatching(/size=40G/) });
    const rrd = (await call('GET', '/nodes/pve/qemu/100/rrddata', { timeframe: 'hour' })).body.data as Array<{ time: number; cpu: number }>;
    expect(rrd.length).toBe(70);
    expect(rrd[1].time - rrd[0].time).toBe(60);
    expect(rrd.every((p) => p.cpu >= 0 && p.cpu <= 1)).toBe(true);
  });

  it('clones guests and creates containers', async () => {
    // VM 100's disk is on local-lvm, which is not shared: Proxmox clones it to its own node only.
    const elsewhere = await call('POST', '/nodes/pve/qemu/100/clone', { newid: 120, name: 'web02', target: 'pve2' });
    expect(elsewhere).toMatchObject({ status: 500, statusText: "can't clone VM to node 'pve2' (VM uses local storage)" });
    const clone = await call('POST', '/nodes/pve/qemu/100/clone', { newid: 120, name: 'web02' });
    expect(clone.status).toBe(200);
    const copy = (await call('GET', '/nodes/pve/qemu/120/config')).body.data as Record<string, string>;
    const orig = (await call('GET', '/nodes/pve/qemu/100/config')).body.data as Record<string, string>;
    expect(copy.name).toBe('web02');
    expect(copy.net0).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0/);
    expect(copy.net0).not.toBe(orig.net0);
    const ct = await call('POST', '/nodes/pve3/lxc', { vmid: 130, ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst', hostname: 'ct130', start: 1 });
    expect(ct.status).toBe(200);
    await waitTask(server.url, String(ct.body.data));
    expect((await call('GET', '/nodes/pve3/lxc/130/status/current')).body.data).toMatchObject({ status: 'running', name: 'ct130' });
    const res = (await call('GET', '/cluster/resources', { type: 'storage' })).body.data as Array<{ type: string }>;
    expect(res.length).toBeGreaterThan(0);
    expect(res.every((r) => r.type === 'storage')).toBe(true);
  });

  it('fails, warns and logs at length for the magic names', async () => {
    const fail = await call('POST', '/nodes/pve/qemu', { vmid: 140, name: 'fail-task' });
    expect((await waitTask(server.url, String(fail.body.data))).exitstatus).toMatch(/fail-task/);
    const warn = await call('POST', '/nodes/pve/qemu', { vmid: 141, name: 'warn-task' });
    expect((await waitTask(server.url, String(warn.body.data))).exitstatus).toBe('WARNINGS: 2');
    const long = await call('POST', '/nodes/pve/qemu', { vmid: 142, name: 'long-log' });
    const upid = String(long.body.data);
    await waitTask(server.url, upid);
    const page = await call('GET', `/nodes/pve/tasks/${encodeURIComponent(upid)}/log`, { start: 9990, limit: 50 });
    expect(page.body.total).toBe(10_000);
    const lines = page.body.data as Array<{ n: number; t: string }>;
    expect(lines.length).toBe(10);
    expect(lines[0].n).toBe(9991);
    expect(lines.at(-1)!.t).toBe('TASK OK');
  });

  it('starts tasks with a chosen outcome through the mock-only /mock/task', async () => {
    const r = await call('POST', '/mock/task', { result: 'error', message: 'boom', lines: 100 });
    const st = await waitTask(server.url, String(r.body.data));
    expect(st.exitstatus).toBe('boom');
    const tasks = (await call('GET', '/nodes/pve/tasks', { errors: 1 })).body.data as Array<{ upid: string }>;
    expect(tasks.some((t) => t.upid === r.body.data)).toBe(true);
    const cluster = (await call('GET', '/cluster/tasks')).body.data as Array<{ upid: string }>;
    expect(cluster.some((t) => t.upid === r.body.data)).toBe(true);
  });

  it('shows consistent state to two concurrent clients', async () => {
    const other = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const B = (method: string, path: string, params: Record<string, unknown> = {}) =>
      new Promise<number[]>((resolve, reject) => {
        const url = `${server.url}/api2/json${path}?${new URLSearchParams(params as Record<string, string>)}`;
        https.get(url, { agent: other, headers: h }, (res) => {
          let s = '';
          res.on('data', (c) => (s += c)).on('end', () => resolve((JSON.parse(s).data as Array<{ vmid: number }>).map((v) => v.vmid)));
        }).on('error', reject);
        void method;
      });
    const creates = [];
    for (let i = 0; i < 10; i++) creates.push(call('POST', '/nodes/pve/qemu', { vmid: 500 + i, name: `c${i}` }));
    const seen = await Promise.all(creates.map(async (c) => (await c, B('GET', '/cluster/resources', { type: 'vm' }))));
    for (let i = 0; i < 10; i++) expect(seen[i]).toContain(500 + i);
    other.destroy();
  });
});

describe('mock: persistence and the embedded profile', () => {
  it('persists state atomically (0600) and shows it to a later server and to a second embedded mock', async () => {
    const dir = tempDir();
    const a = await startEmbeddedMock(dir);
    const b = await startEmbeddedMock(dir);
    try {
      expect(a.fingerprint).toBe(b.fingerprint);
      expect(a.tokenSecret).toBe(b.tokenSecret);
      const ha = tokenHeader(`${a.tokenId}=${a.tokenSecret}`);
      expect((await request(a.url, 'POST', '/nodes/pve/qemu', { params: { vmid: 200, name: 'web' }, headers: ha })).status).toBe(200);
      const seen = (await request(b.url, 'GET', '/cluster/resources', { params: { type: 'vm' }, headers: ha })).body.data as Array<{ vmid: number }>;
      expect(seen.map((v) => v.vmid)).toContain(200);
    } finally {
      await a.close();
      await b.close();
    }
    const file = join(dir, 'mock-state.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'mock-key.pem')).mode & 0o777).toBe(0o600);
    const later = await startEmbeddedMock(dir);
    try {
      const hl = tokenHeader(`${later.tokenId}=${later.tokenSecret}`);
      const vms = (await request(later.url, 'GET', '/cluster/resources', { params: { type: 'vm' }, headers: hl })).body.data as Array<{ vmid: number }>;
      expect(vms.map((v) => v.vmid)).toContain(200);
    } finally {
      await later.close();
    }
    resetMockState(dir);
    const fresh = await startEmbeddedMock(dir);
    try {
      const hf = tokenHeader(`${fresh.tokenId}=${fresh.tokenSecret}`);
      const vms = (await request(fresh.url, 'GET', '/cluster/resources', { params: { type: 'vm' }, headers: hf })).body.data as Array<{ vmid: number }>;
      expect(vms.map((v) => v.vmid)).not.toContain(200);
    } finally {
      await fresh.close();
    }
  });

  it('serves plain HTTP when asked', async () => {
    const s = await startMockServer({ port: 0, http: true, tokens: [TOKEN] });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.fingerprint).toBeUndefined();
      const r = await fetch(`${s.url}/api2/json/version`, { headers: h });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { data: { release: string } }).data.release).toBe('9.2');
    } finally {
      await s.close();
    }
  });
});

// Details a user meets in the first commands, answered as Proxmox VE answers them: task lists and who sees which
// task, snapshot parents after a rollback, the shape and order of /cluster/resources, pool listings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../../src/mock';
import { request, tempDir, tokenHeader, waitTask } from './mock-helpers';

const ROOT_TOKEN = 'root@pam!full=full-secret';
type Row = Record<string, unknown>;

describe('mock: behaves like Proxmox VE where users look first', () => {
  let server: MockServer;
  let narrow: Record<string, string>;
  const root = tokenHeader(ROOT_TOKEN);
  const call = async (method: string, path: string, params: Record<string, unknown> = {}, headers = root) =>
    request(server.url, method, path, { params, headers });
  const data = async (method: string, path: string, params: Record<string, unknown> = {}, headers = root) => {
    const r = await call(method, path, params, headers);
    expect(r.status, `${method} ${path}: ${r.statusText}`).toBe(200);
    return r.body.data;
  };
  /** Start a task and wait for it: what it changes shows once it has ended. */
  const task = async (method: string, path: string, params: Record<string, unknown> = {}) =>
    waitTask(server.url, String(await data(method, path, params)), root);

  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [ROOT_TOKEN], taskDuration: 10 });
    // A privilege-separated token without any ACL of its own.
    const made = (await data('POST', '/access/users/alice@pve/token/narrow', { privsep: 1 })) as Record<string, string>;
    narrow = tokenHeader(`alice@pve!narrow=${made.value}`);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists finished tasks by default, running ones on request, with a token apart from its user', async () => {
    const upid = String(await data('POST', '/mock/task', { duration: 60_000, node: 'pve' }));
    const upids = async (source?: string) => ((await data('GET', '/nodes/pve/tasks', source ? { source } : {})) as Row[]).map((t) => t.upid);
    expect(await upids()).not.toContain(upid);
    expect(await upids('all')).toContain(upid);
    const active = (await data('GET', '/nodes/pve/tasks', { source: 'active' })) as Row[];
    expect(active.find((t) => t.upid === upid)).toMatchObject({ status: 'RUNNING', user: 'root@pam', tokenid: 'full' });
    expect(await data('GET', `/nodes/pve/tasks/${upid}/status`)).toMatchObject({ status: 'running', user: 'root@pam', tokenid: 'full' });
    await data('DELETE', `/nodes/pve/tasks/${upid}`);
    expect(await data('GET', `/nodes/pve/tasks/${upid}/status`)).toMatchObject({ status: 'stopped' });
  });

  it("shows a caller without Sys.Audit only their own tasks, and refuses them others' status, log and stop", async () => {
    const rootTask = String(await data('POST', '/mock/task', { duration: 60_000 }));
    const ownTask = String(await data('POST', '/mock/task', { node: 'pve' }, narrow));
    const seen = ((await data('GET', '/nodes/pve/tasks', { source: 'all' }, narrow)) as Row[]).map((t) => t.upid);
    expect(seen).toContain(ownTask);
    expect(seen).not.toContain(rootTask);
    expect(((await data('GET', '/cluster/tasks', {}, narrow)) as Row[]).map((t) => t.upid)).not.toContain(rootTask);
    expect(((await data('GET', '/cluster/tasks')) as Row[]).map((t) => t.upid)).toContain(ownTask);
    const status = await call('GET', `/nodes/pve/tasks/${rootTask}/status`, {}, narrow);
    expect([status.status, status.statusText]).toEqual([403, 'Permission check failed (/nodes/pve, Sys.Audit)']);
    expect((await call('GET', `/nodes/pve/tasks/${rootTask}/log`, {}, narrow)).status).toBe(403);
    const stop = await call('DELETE', `/nodes/pve/tasks/${rootTask}`, {}, narrow);
    expect([stop.status, stop.statusText]).toEqual([403, 'Permission check failed (/nodes/pve, Sys.Modify)']);
    expect((await call('GET', `/nodes/pve/tasks/${ownTask}/status`, {}, narrow)).status).toBe(200);
    await data('DELETE', `/nodes/pve/tasks/${rootTask}`);
  });

  it('keeps the snapshot the VM descends from as its parent, through rollback and deletion', async () => {
    const base = '/nodes/pve/qemu/100';
    for (const snapname of ['first', 'second']) await task('POST', `${base}/snapshot`, { snapname });
    const current = async () => ((await data('GET', `${base}/snapshot`)) as Row[]).find((s) => s.name === 'current');
    expect(await current()).toMatchObject({ parent: 'second', running: 1 });
    await task('POST', `${base}/snapshot/first/rollback`);
    expect(await current()).toMatchObject({ parent: 'first', running: 0 });
    expect(await data('GET', `${base}/config`)).toMatchObject({ parent: 'first' });
    expect(await data('GET', `${base}/snapshot/second/config`)).toMatchObject({ parent: 'first' });
    await task('DELETE', `${base}/snapshot/first`);
    expect(await current()).not.toHaveProperty('parent');
    const second = ((await data('GET', `${base}/snapshot`)) as Row[]).find((s) => s.name === 'second');
    expect(second).not.toHaveProperty('parent');
  });

  it('orders /cluster/resources pools, guests, nodes, storages, SDN, with pools summing their running guests', async () => {
    await task('POST', '/nodes/pve/qemu/100/status/start');
    const rows = (await data('GET', '/cluster/resources')) as Row[];
    const order = [...new Set(rows.map((r) => (r.type === 'qemu' || r.type === 'lxc' ? 'guest' : r.type)))];
    expect(order).toEqual(['pool', 'guest', 'node', 'storage', 'sdn']);
    const pool = rows.find((r) => r.type === 'pool')!;
    const vm100 = rows.find((r) => r.id === 'qemu/100')!;
    expect(pool).toMatchObject({ id: '/pool/prod', pool: 'prod', mem: vm100.mem, maxmem: vm100.maxmem, maxcpu: vm100.maxcpu });
    expect(pool).not.toHaveProperty('status');
  });

  it('lists pools without members, one pool with its members of a type', async () => {
    expect(await data('GET', '/pools')).toEqual([{ poolid: 'prod', comment: 'Production guests' }]);
    const [prod] = (await data('GET', '/pools', { poolid: 'prod', type: 'qemu' })) as Array<{ members: Row[] }>;
    expect(prod.members.map((m) => m.id)).toEqual(['qemu/100', 'qemu/101']);
    expect(((await data('GET', '/pools', { poolid: 'prod', type: 'lxc' })) as Array<{ members: Row[] }>)[0].members).toEqual([]);
  });

  it('answers a storage status for an unknown storage with a parameter error', async () => {
    const r = await call('GET', '/nodes/pve/storage', { storage: 'nope' });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual({ storage: 'No such storage.' });
  });

  it('lets everyone read operations open to all users, whatever their check says', async () => {
    expect((await call('GET', '/cluster/options', {}, narrow)).status).toBe(200);
    expect((await call('GET', '/cluster/status', {}, narrow)).status).toBe(403);
  });

  it('writes what qm create writes: no implicit defaults, a fresh smbios1 uuid and vmgenid', async () => {
    await data('POST', '/nodes/pve/qemu', { vmid: 240, name: 'fresh' });
    const config = (await data('GET', '/nodes/pve/qemu/240/config')) as Row;
    expect(config).not.toHaveProperty('memory');
    expect(String(config.smbios1)).toMatch(/^uuid=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(String(config.vmgenid)).toMatch(/^[0-9a-f]{8}-/);
    expect(await data('GET', '/nodes/pve/qemu/240/status/current')).toMatchObject({ maxmem: 2048 * 1024 ** 2 });
    const nopool = await call('POST', '/nodes/pve/qemu', { vmid: 241, pool: 'nope' });
    expect([nopool.status, nopool.statusText]).toEqual([403, "Permission check failed (pool 'nope' does not exist)"]);
  });

  it('lets VM.Allocate on a pool create guests in that pool', async () => {
    await data('PUT', '/access/acl', { path: '/pool/prod', roles: 'PVEVMAdmin', tokens: 'alice@pve!narrow' });
    expect((await call('POST', '/nodes/pve/qemu', { vmid: 250 }, narrow)).status).toBe(403);
    expect((await call('POST', '/nodes/pve/qemu', { vmid: 250, pool: 'prod' }, narrow)).status).toBe(200);
    // The new guest is a pool member, so the pool's ACL reaches it.
    expect(((await data('GET', '/nodes/pve/qemu', {}, narrow)) as Row[]).map((v) => v.vmid)).toEqual([100, 250]);
    const perms = (await data('GET', '/access/permissions', {}, narrow)) as Record<string, Row>;
    expect(perms['/vms/250']).toHaveProperty('VM.Allocate', 1);
    expect(perms['/pool/prod']).toHaveProperty('VM.Allocate', 1);
    expect(perms).not.toHaveProperty('/vms/102');
    await data('PUT', '/access/acl', { path: '/pool/prod', roles: 'PVEVMAdmin', tokens: 'alice@pve!narrow', delete: 1 });
  });
});


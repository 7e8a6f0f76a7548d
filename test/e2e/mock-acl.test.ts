// List endpoints filtered by ACLs as Proxmox VE filters them, through bin/run.js: a privilege-separated token (and a
// plain user) sees only what it may audit; propagation and pool membership count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { TEST_TOKEN_ID, startTestMock } from '../helpers/mock';
import { DEMO_PASSWORD } from '../../src/mock';
import { request } from './mock-helpers';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
type Row = Record<string, unknown>;

describe('mock: lists show only what the caller may audit', () => {
  let mock: Mock;
  let root: Record<string, string>;

  const asRoot = async (method: string, path: string, params: Record<string, unknown> = {}) => {
    const r = await request(mock.url, method, path, { params, headers: root });
    expect(r.status, `${method} ${path}: ${r.statusText}`).toBe(200);
    return r.body.data;
  };

  /** Replace every ACL entry of the test token with `grants` ([path, role, propagate]). */
  const grantToken = async (...grants: Array<[string, string, number?]>) => {
    for (const e of (await asRoot('GET', '/access/acl')) as Row[]) {
      if (e.ugid === TEST_TOKEN_ID) await asRoot('PUT', '/access/acl', { path: e.path, roles: e.roleid, tokens: TEST_TOKEN_ID, delete: 1 });
    }
    for (const [path, roles, propagate = 1] of grants) await asRoot('PUT', '/access/acl', { path, roles, tokens: TEST_TOKEN_ID, propagate });
  };

  const get = async (path: string, args: string[] = [], env = mock.env()) => {
    const r = await runCli(['get', path, ...args, '-o', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Row[];
  };
  const vmids = (rows: Row[]) => rows.filter((r) => r.vmid !== undefined).map((r) => r.vmid);

  beforeAll(async () => {
    mock = await startTestMock({ privsep: true });
    const login = await request(mock.url, 'POST', '/access/ticket', { params: { username: 'root@pam', password: DEMO_PASSWORD } });
    const t = login.body.data as Record<string, string>;
    root = { Cookie: `PVEAuthCookie=${encodeURIComponent(t.ticket)}`, CSRFPreventionToken: t.CSRFPreventionToken };
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('a token with VM.Audit on one VM sees exactly that VM', async () => {
    await grantToken(['/vms/100', 'PVETemplateUser']);
    expect(vmids(await get('/cluster/resources', ['--type', 'vm']))).toEqual([100]);
    expect(vmids(await get('/nodes/pve/qemu'))).toEqual([100]);
    expect(await get('/nodes/pve/lxc')).toEqual([]);
    expect(await get('/nodes/pve2/qemu')).toEqual([]);

    const all = await get('/cluster/resources');
    expect(vmids(all)).toEqual([100]);
    expect([...new Set(all.map((r) => r.type))]).toEqual(['qemu', 'node']);
    // Nodes are always listed, their load only with Sys.Audit on the node.
    const nodes = all.filter((r) => r.type === 'node');
    expect(nodes.map((n) => n.node)).toEqual(['pve', 'pve2', 'pve3']);
    for (const n of nodes) expect(n).not.toHaveProperty('cpu');
    // VM 100 is in pool prod, but the token may not audit the pool: no pool name.
    expect(all[0]).not.toHaveProperty('pool');
  }, 60_000);

  it('a pool ACL grants the VMs of the pool, and the pool itself', async () => {
    await grantToken(['/pool/prod', 'PVEAuditor', 0]);
    const vms = await get('/cluster/resources', ['--type', 'vm']);
    expect(vmids(vms)).toEqual([100, 101]);
    expect(vms.map((v) => v.pool)).toEqual(['prod', 'prod']);
    expect(vmids(await get('/nodes/pve2/qemu'))).toEqual([101]);
    expect(vmids(await get('/nodes/pve3/qemu'))).toEqual([]);
    expect((await get('/pools')).map((p) => p.poolid)).toEqual(['prod']);
    const pools = (await get('/cluster/resources')).filter((r) => r.type === 'pool');
    expect(pools).toMatchObject([{ id: '/pool/prod', pool: 'prod' }]);
  }, 60_000);

  it('an ACL reaches below its path only when it propagates', async () => {
    await grantToken(['/vms', 'PVEAuditor', 0]);
    expect(vmids(await get('/cluster/resources', ['--type', 'vm']))).toEqual([]);
    await grantToken(['/vms', 'PVEAuditor', 1]);
    expect(vmids(await get('/cluster/resources', ['--type', 'vm']))).toEqual([100, 101, 102, 110, 111]);
    expect((await get('/pools')).map((p) => p.poolid)).toEqual([]);
  }, 60_000);

  it('storage lists show storages with Datastore.Audit or Datastore.AllocateSpace', async () => {
    await grantToken(['/storage/local', 'PVEDatastoreUser']);
    expect((await get('/storage')).map((s) => s.storage)).toEqual(['local']);
    expect((await get('/nodes/pve/storage')).map((s) => s.storage)).toEqual(['local']);
    const rows = await get('/cluster/resources', ['--type', 'storage']);
    expect(rows.map((r) => r.id)).toEqual(['storage/pve/local', 'storage/pve2/local', 'storage/pve3/local']);
  }, 60_000);

  it('node stats need Sys.Audit on the node', async () => {
    await grantToken(['/nodes/pve', 'PVEAuditor']);
    const nodes = await get('/nodes');
    expect(nodes.map((n) => [n.node, typeof n.cpu])).toEqual([
      ['pve', 'number'],
      ['pve2', 'undefined'],
      ['pve3', 'undefined'],
    ]);
  }, 60_000);

  it('users are listed for User.Modify or Sys.Audit on /access/groups or on their group', async () => {
    await grantToken();
    expect(await get('/access/users')).toEqual([]);
    await grantToken(['/access/groups/admins', 'PVEUserAdmin']);
    expect((await get('/access/users')).map((u) => u.userid)).toEqual(['alice@pve']);
    await grantToken(['/access', 'PVEAuditor']);
    expect((await get('/access/users')).map((u) => u.userid)).toEqual(['root@pam', 'alice@pve', 'auditor@pve', 'tfa@pve']);
  }, 60_000);

  it('filters for a plain user too, who always sees themselves', async () => {
    await asRoot('POST', '/access/users', { userid: 'bob@pve', password: 'bob-secret' });
    await asRoot('PUT', '/access/acl', { path: '/vms/102', roles: 'PVEVMUser', users: 'bob@pve' });
    const bob = mock.env({ PROXMOX_API_TOKEN_ID: undefined, PROXMOX_API_TOKEN_SECRET: undefined, PROXMOX_API_USERNAME: 'bob@pve', PROXMOX_API_PASSWORD: 'bob-secret' });
    expect(vmids(await get('/cluster/resources', ['--type', 'vm'], bob))).toEqual([102]);
    expect(vmids(await get('/nodes/pve3/qemu', [], bob))).toEqual([102]);
    expect(await get('/storage', [], bob)).toEqual([]);
    expect((await get('/access/users', [], bob)).map((u) => u.userid)).toEqual(['bob@pve']);
  }, 60_000);
});

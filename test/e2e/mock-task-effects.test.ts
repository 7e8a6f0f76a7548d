// What a task changes takes effect only when it ends well, as on Proxmox VE: a failed task leaves the state as it
// was (a failed create removes the config and disks it made), a stopped one too, and the stopped task's log ends
// with one final line that its exit status matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '../../src/mock';
import { type Reply, request, tempDir, tokenHeader, waitTask } from './mock-helpers';

const TOKEN = 'root@pam!fx=fx-secret';
const h = tokenHeader(TOKEN);
type Row = Record<string, unknown>;

function client(server: () => MockServer) {
  const call = (method: string, path: string, params: Record<string, unknown> = {}): Promise<Reply> =>
    request(server().url, method, path, { params, headers: h });
  const data = async (method: string, path: string, params: Record<string, unknown> = {}) => {
    const r = await call(method, path, params);
    expect(r.status, `${method} ${path}: ${r.statusText}`).toBe(200);
    return r.body.data;
  };
  const upid = async (method: string, path: string, params: Record<string, unknown> = {}) => String(await data(method, path, params));
  const status = async (node: string, vmid: number, type = 'qemu') => ((await data('GET', `/nodes/${node}/${type}/${vmid}/status/current`)) as Row).status;
  const exists = async (node: string, vmid: number, type = 'qemu') => (await call('GET', `/nodes/${node}/${type}/${vmid}/config`)).status === 200;
  const volumes = async (node: string, storage: string) => ((await data('GET', `/nodes/${node}/storage/${storage}/content`)) as Row[]).map((v) => String(v.volid));
  const poolMembers = async () => ((await data('GET', '/pools', { poolid: 'prod' })) as Array<{ members: Row[] }>)[0].members.map((m) => m.id);
  const snapshots = async (node: string, vmid: number, type = 'qemu') => ((await data('GET', `/nodes/${node}/${type}/${vmid}/snapshot`)) as Row[]).map((s) => s.name);
  return { call, data, upid, status, exists, volumes, poolMembers, snapshots };
}

describe('mock: a failing task changes nothing', () => {
  let server: MockServer;
  const c = client(() => server);
  const finish = async (u: string) => waitTask(server.url, u, h);
  const failing = async (method: string, path: string, params: Record<string, unknown> = {}) => {
    const st = await finish(await c.upid(method, path, params));
    expect(st.exitstatus).toBe("mock failure requested by the name 'fail-task'");
  };

  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], taskDuration: 20 });
  });
  afterAll(async () => server?.close());

  it('removes the config, disks and pool membership a failed create made', async () => {
    const u = await c.upid('POST', '/nodes/pve/qemu', { vmid: 700, name: 'fail-task', scsi0: 'local-lvm:4', pool: 'prod' });
    expect((await finish(u)).exitstatus).toMatch(/fail-task/);
    expect(await c.exists('pve', 700)).toBe(false);
    expect(await c.volumes('pve', 'local-lvm')).not.toContain('local-lvm:vm-700-disk-0');
    expect(await c.poolMembers()).not.toContain('qemu/700');
    // The vmid is free again.
    await finish(await c.upid('POST', '/nodes/pve/qemu', { vmid: 700, name: 'second-try' }));
    expect(await c.exists('pve', 700)).toBe(true);
  });

  it('leaves a container whose create fails nowhere, even with start=1', async () => {
    await failing('POST', '/nodes/pve/lxc', { vmid: 701, hostname: 'fail-task', ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst', start: 1 });
    expect(await c.exists('pve', 701, 'lxc')).toBe(false);
  });

  it('leaves a fail-task VM as it was through start, snapshot, clone, migrate, resize, config, template and delete', async () => {
    await c.data('PUT', '/nodes/pve2/qemu/101/config', { name: 'fail-task' });
    const before = (await c.data('GET', '/nodes/pve2/qemu/101/config')) as Row;
    await failing('POST', '/nodes/pve2/qemu/101/status/start');
    expect(await c.status('pve2', 101)).toBe('stopped');
    await failing('POST', '/nodes/pve2/qemu/101/snapshot', { snapname: 'nope' });
    expect(await c.snapshots('pve2', 101)).toEqual(['current']);
    await failing('POST', '/nodes/pve2/qemu/101/clone', { newid: 702 });
    expect(await c.exists('pve2', 702)).toBe(false);
    expect((await c.volumes('pve2', 'local-lvm')).filter((v) => v.includes('vm-702-'))).toEqual([]);
    await failing('POST', '/nodes/pve2/qemu/101/migrate', { target: 'pve3' });
    expect(await c.exists('pve2', 101)).toBe(true);
    await failing('PUT', '/nodes/pve2/qemu/101/resize', { disk: 'scsi0', size: '+1G' });
    await failing('POST', '/nodes/pve2/qemu/101/config', { cores: 8, scsi1: 'local-lvm:2' });
    expect((await c.volumes('pve2', 'local-lvm')).filter((v) => v.startsWith('local-lvm:vm-101-'))).toEqual(['local-lvm:vm-101-disk-0']);
    await failing('POST', '/nodes/pve2/qemu/101/template');
    await failing('DELETE', '/nodes/pve2/qemu/101');
    expect(await c.data('GET', '/nodes/pve2/qemu/101/config')).toEqual(before);
  });

  it('leaves a fail-task VM running when its stop fails', async () => {
    await c.data('PUT', '/nodes/pve/qemu/100/config', { name: 'fail-task' });
    await failing('POST', '/nodes/pve/qemu/100/status/stop');
    expect(await c.status('pve', 100)).toBe('running');
    await c.data('PUT', '/nodes/pve/qemu/100/config', { name: 'web01' });
  });

  it('keeps only the backups that succeeded, ending the job with errors', async () => {
    // A job on node pve backs up pve's guests only (Proxmox skips the others), so the failing guest is on pve.
    await c.data('PUT', '/nodes/pve/lxc/110/config', { hostname: 'fail-task' });
    const st = await finish(await c.upid('POST', '/nodes/pve/vzdump', { vmid: '100,110', storage: 'nfs-backup' }));
    expect(st.exitstatus).toBe('job errors');
    const backups = await c.volumes('pve', 'nfs-backup');
    expect(backups.some((v) => v.includes('vzdump-qemu-100-'))).toBe(true);
    expect(backups.some((v) => v.includes('-110-'))).toBe(false);
    await c.data('PUT', '/nodes/pve/lxc/110/config', { hostname: 'dns01' });
  });

  it('applies what succeeds when the task ends: start, migrate, clone, backup, delete', async () => {
    await finish(await c.upid('POST', '/nodes/pve3/qemu/102/status/start'));
    expect(await c.status('pve3', 102)).toBe('running');
    await finish(await c.upid('POST', '/nodes/pve3/qemu/102/status/stop'));
    await finish(await c.upid('POST', '/nodes/pve3/qemu/102/migrate', { target: 'pve' }));
    expect(await c.exists('pve', 102)).toBe(true);
    expect(await c.volumes('pve', 'local-lvm')).toContain('local-lvm:vm-102-disk-0');
    await finish(await c.upid('POST', '/nodes/pve/qemu/102/clone', { newid: 703 }));
    await finish(await c.upid('POST', '/nodes/pve/vzdump', { vmid: 703, storage: 'local' }));
    expect((await c.volumes('pve', 'local')).some((v) => v.includes('vzdump-qemu-703-'))).toBe(true);
    await finish(await c.upid('DELETE', '/nodes/pve/qemu/703'));
    expect(await c.exists('pve', 703)).toBe(false);
  });
});

describe('mock: a stopped task changes nothing, and its log ends once', () => {
  let server: MockServer;
  const c = client(() => server);
  /** Stop a task that is still running, and return its status and log. */
  const stop = async (u: string) => {
    const node = u.split(':')[1];
    const path = `/nodes/${node}/tasks/${encodeURIComponent(u)}`;
    expect(((await c.data('GET', `${path}/status`)) as Row).status).toBe('running');
    await c.data('DELETE', path);
    const status = (await c.data('GET', `${path}/status`)) as Row;
    const log = ((await c.data('GET', `${path}/log`, { limit: 100_000 })) as Array<{ t: string }>).map((l) => l.t);
    return { status, log };
  };

  beforeAll(async () => {
    // Tasks outlast every test: each is stopped by the test itself.
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], taskDuration: 600_000 });
  });
  afterAll(async () => server?.close());

  it('ends the log with the interrupt and one TASK ERROR line that the exit status matches', async () => {
    const { status, log } = await stop(await c.upid('POST', '/mock/task', { lines: 1000, duration: 600_000 }));
    expect(status).toMatchObject({ status: 'stopped', exitstatus: 'interrupted by signal' });
    expect(log.slice(-2)).toEqual(['received interrupt', 'TASK ERROR: interrupted by signal']);
    expect(log.filter((l) => l.startsWith('TASK '))).toEqual(['TASK ERROR: interrupted by signal']);
    // Cut where it was: a task stopped early has not written its 1000 lines.
    expect(log.length).toBeLessThan(1000);
    const rows = (await c.data('GET', '/nodes/pve/tasks', { errors: 1 })) as Row[];
    expect(rows.find((r) => r.upid === status.upid)).toMatchObject({ status: 'interrupted by signal' });
  });

  it('does not start a VM whose start task is stopped, nor stop one whose stop is', async () => {
    const start = await c.upid('POST', '/nodes/pve2/qemu/101/status/start');
    expect(await c.status('pve2', 101)).toBe('stopped');
    await stop(start);
    expect(await c.status('pve2', 101)).toBe('stopped');
    await stop(await c.upid('POST', '/nodes/pve/qemu/100/status/stop'));
    expect(await c.status('pve', 100)).toBe('running');
  });

  it('removes what a stopped create or clone made; keeps what a stopped delete or migrate would have removed', async () => {
    const create = await c.upid('POST', '/nodes/pve/qemu', { vmid: 710, scsi0: 'local-lvm:4', pool: 'prod' });
    // Made at once, as Proxmox writes the config before the task works on it.
    expect(await c.exists('pve', 710)).toBe(true);
    expect(await c.volumes('pve', 'local-lvm')).toContain('local-lvm:vm-710-disk-0');
    await stop(create);
    expect(await c.exists('pve', 710)).toBe(false);
    expect(await c.volumes('pve', 'local-lvm')).not.toContain('local-lvm:vm-710-disk-0');
    expect(await c.poolMembers()).not.toContain('qemu/710');

    await stop(await c.upid('POST', '/nodes/pve/qemu/100/clone', { newid: 711 }));
    expect(await c.exists('pve', 711)).toBe(false);

    await stop(await c.upid('DELETE', '/nodes/pve3/qemu/102'));
    expect(await c.exists('pve3', 102)).toBe(true);
    await stop(await c.upid('POST', '/nodes/pve3/qemu/102/migrate', { target: 'pve' }));
    expect(await c.exists('pve3', 102)).toBe(true);
  });

  it('drops a snapshot whose task is stopped, and makes no archive for a stopped backup', async () => {
    const snap = await c.upid('POST', '/nodes/pve/lxc/110/snapshot', { snapname: 'half' });
    expect(await c.snapshots('pve', 110, 'lxc')).toEqual(['half', 'current']);
    await stop(snap);
    expect(await c.snapshots('pve', 110, 'lxc')).toEqual(['current']);
    const backup = await c.upid('POST', '/nodes/pve/vzdump', { vmid: 110, storage: 'local' });
    await stop(backup);
    expect((await c.volumes('pve', 'local')).some((v) => v.includes('backup/'))).toBe(false);
  });
});

describe('mock: a task that ends while no server is running', () => {
  it('takes effect in the next server that reads the state', async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'state.json');
    let server = await startMockServer({ port: 0, certDir: dir, stateFile, tokens: [TOKEN], taskDuration: 50 });
    const c = client(() => server);
    const u = await c.upid('POST', '/nodes/pve2/qemu/101/status/start');
    await server.close();
    server = await startMockServer({ port: 0, certDir: dir, stateFile, tokens: [TOKEN], taskDuration: 50 });
    try {
      expect((await waitTask(server.url, u, h)).exitstatus).toBe('OK');
      expect(await c.status('pve2', 101)).toBe('running');
    } finally {
      await server.close();
    }
  });
});

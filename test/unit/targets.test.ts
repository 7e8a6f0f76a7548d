import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiClient, ApiRequest } from '../../src/http';
import { loadSchema } from '../../src/schema/load';
import { expandPattern, parsePattern, parseWhere } from '../../src/cli/targets-expand';
import { runAll } from '../../src/cli/targets-run';
import { prepareCall, type PreparedCall } from '../../src/cli/verb';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');

const RESOURCES = [
  { id: 'qemu/100', type: 'qemu', node: 'pve', vmid: 100, name: 'web01', status: 'running', tags: 'web;prod' },
  { id: 'qemu/101', type: 'qemu', node: 'pve2', vmid: 101, name: 'db01', status: 'stopped' },
  { id: 'qemu/102', type: 'qemu', node: 'pve2', vmid: 102, name: 'web02', status: 'running', tags: 'web' },
  { id: 'lxc/110', type: 'lxc', node: 'pve', vmid: 110, name: 'dns01', status: 'running', tags: 'web' },
  { id: 'node/pve', type: 'node', node: 'pve', status: 'online' },
  { id: 'storage/pve/local', type: 'storage', node: 'pve', storage: 'local', status: 'available' },
];

describe('a * pattern from /cluster/resources', () => {
  const schema = loadSchema('pve-9.2');

  it('fills node and vmid from the entries of the guest type in the path, filtered by --where', () => {
    const pattern = parsePattern(schema, '/nodes/*/qemu/*/status/shutdown');
    expect(expandPattern(pattern, RESOURCES, [])).toEqual([
      '/nodes/pve/qemu/100/status/shutdown',
      '/nodes/pve2/qemu/101/status/shutdown',
      '/nodes/pve2/qemu/102/status/shutdown',
    ]);
    const running = expandPattern(pattern, RESOURCES, ['status=running', 'tags~web'].map(parseWhere));
    expect(running).toEqual(['/nodes/pve/qemu/100/status/shutdown', '/nodes/pve2/qemu/102/status/shutdown']);
    expect(expandPattern(pattern, RESOURCES, ['name!~^web'].map(parseWhere))).toEqual(['/nodes/pve2/qemu/101/status/shutdown']);
  });

  it('a fixed node and a glob narrow it; nodes and storages have patterns of their own', () => {
    expect(expandPattern(parsePattern(schema, '/nodes/pve2/qemu/10*/config'), RESOURCES, [])).toEqual(['/nodes/pve2/qemu/101/config', '/nodes/pve2/qemu/102/config']);
    expect(expandPattern(parsePattern(schema, '/nodes/*/status'), RESOURCES, [])).toEqual(['/nodes/pve/status']);
    expect(expandPattern(parsePattern(schema, '/nodes/*/storage/*/status'), RESOURCES, [])).toEqual(['/nodes/pve/storage/local/status']);
  });

  it('refuses a * that stands for anything else, a {param} in a pattern, and malformed or unknown --where', () => {
    expect(() => parsePattern(schema, '/nodes/pve/qemu/100/snapshot/*')).toThrow(/not for \{snapname\}/);
    expect(() => parsePattern(schema, '/nodes/{node}/qemu/*/status/start')).toThrow(/not \{node\}/);
    expect(() => parseWhere('status')).toThrow(/expected KEY=VALUE/);
    expect(() => parseWhere('name~(')).toThrow(/--where/);
    const pattern = parsePattern(schema, '/nodes/*/qemu/*/status/start');
    expect(() => expandPattern(pattern, RESOURCES, [parseWhere('stauts=running')])).toThrow(/no matching \/cluster\/resources entry has 'stauts'/);
  });
});

/**
 * A server whose tasks each need two status reads to finish: it counts how many targets are being worked on at
 * once (from the POST to the task's end), the number --parallel bounds.
 */
function countingServer() {
  let active = 0;
  let most = 0;
  const reads = new Map<string, number>();
  const client: ApiClient = {
    async request<T>(req: ApiRequest): Promise<T> {
      await new Promise((r) => setImmediate(r));
      if (req.method === 'POST') {
        active++;
        most = Math.max(most, active);
        const vmid = req.path.split('/')[4];
        return `UPID:pve:0000AAAA:0000BBBB:6751A3F0:qmshutdown:${vmid}:root@pam:` as T;
      }
      const upid = decodeURIComponent(req.path.split('/')[4]);
      const n = (reads.get(upid) ?? 0) + 1;
      reads.set(upid, n);
      if (n < 2) return { upid, node: 'pve', status: 'running' } as T;
      active--;
      const failed = upid.includes(':105:');
      return { upid, node: 'pve', status: 'stopped', exitstatus: failed ? 'shutdown failed' : 'OK' } as T;
    },
    exchange: () => Promise.reject(new Error('not used')),
    upgradeTarget: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
  return { client, most: () => most };
}

describe('runAll', () => {
  const calls = Array.from({ length: 10 }, (_, i) => prepareCall('create', [`/nodes/pve/qemu/${100 + i}/status/shutdown`, '--schema', 'pve-9.2']) as PreparedCall);

  it.each([1, 4, 10])('works on at most --parallel %i targets at once, and on that many', async (parallel) => {
    const server = countingServer();
    const results = await runAll(calls, server.client, { parallel, progress: false, log: false });
    expect(server.most()).toBe(parallel);
    expect(results.map((r) => r.target)).toEqual(calls.map((c) => c.request.path));
    expect(results.filter((r) => r.exitcode === 0)).toHaveLength(9);
    expect(results[5]).toMatchObject({ result: 'shutdown failed', exitcode: 8 });
    expect(results[5].upid).toMatch(/:qmshutdown:105:/);
  });
});

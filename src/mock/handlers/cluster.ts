/** Cluster-wide views: /version, /nodes, node status, /cluster/resources, /cluster/status, /cluster/nextid, tasks. */
import { createHash } from 'node:crypto';
import { fail } from '../api-error';
import { privilegesOn } from '../auth';
import type { MockState, Storage, TaskRecord } from '../state';
import { Tasks } from '../tasks';
import { type HandlerContext, type HandlerTable, bool, int, now, str } from './context';
import { guestStatus, nextId } from './guests';

const GiB = 1024 ** 3;
const NODE_BOOT = now() - 86400 * 12;

function nodeIndex(state: MockState, node: string): number {
  return Math.max(0, state.data.nodes.indexOf(node));
}

const fingerprints = new Map<string, string>();

/** A stable made-up certificate fingerprint per node (colon hex, like Proxmox shows). */
function nodeFingerprint(state: MockState, node: string): string {
  const key = `${state.data.secret}/${node}`;
  let fp = fingerprints.get(key);
  if (!fp) {
    fp = createHash('sha256').update(key).digest('hex').toUpperCase().match(/../g)!.join(':');
    fingerprints.set(key, fp);
  }
  return fp;
}

function nodeSummary(state: MockState, node: string) {
  const i = nodeIndex(state, node);
  return {
    node,
    status: 'online',
    cpu: 0.05 + i * 0.03,
    maxcpu: 8 * (i + 1),
    mem: (12 + 4 * i) * GiB,
    maxmem: 64 * (i + 1) * GiB,
    disk: (20 + 5 * i) * GiB,
    maxdisk: 100 * GiB,
    uptime: now() - NODE_BOOT + i * 3600,
    level: '',
    id: `node/${node}`,
    type: 'node',
    ssl_fingerprint: nodeFingerprint(state, node),
  };
}

function storageUsage(s: Storage, node: string) {
  const vols = s.shared ? s.volumes['*'] ?? [] : s.volumes[node] ?? [];
  const used = vols.reduce((n, v) => n + v.size, 0);
  return { used, total: s.total, avail: s.total - used };
}

export function storageStatus(s: Storage, node: string) {
  const { used, total, avail } = storageUsage(s, node);
  return {
    storage: s.storage,
    type: s.type,
    content: s.content,
    shared: s.shared,
    active: 1,
    enabled: 1,
    used,
    total,
    avail,
    used_fraction: total ? used / total : 0,
  };
}

/** Lists show only what the caller may see, as Proxmox filters them. */
export function mayAudit(ctx: HandlerContext, path: string, privs: string[]): boolean {
  const have = privilegesOn(ctx.state, ctx.id, path);
  return privs.some((p) => have.has(p));
}

function taskFilter(ctx: HandlerContext, t: TaskRecord): boolean {
  const a = ctx.args;
  if (a.userfilter !== undefined && !t.user.includes(String(a.userfilter))) return false;
  if (a.typefilter !== undefined && t.type !== String(a.typefilter)) return false;
  if (a.vmid !== undefined && t.id !== String(a.vmid)) return false;
  const running = Tasks.running(t);
  if (a.source === 'active' && !running) return false;
  if (a.source === 'archive' && running) return false;
  if (bool(a.errors) && (running || t.exitstatus === 'OK')) return false;
  if (a.statusfilter !== undefined) {
    const wanted = String(a.statusfilter).split(/[,;\s]+/);
    const kind = running ? 'running' : t.exitstatus === 'OK' ? 'ok' : t.exitstatus.startsWith('WARNINGS') ? 'warning' : 'error';
    if (!wanted.includes(kind)) return false;
  }
  return true;
}

function task(ctx: HandlerContext): TaskRecord {
  const upid = ctx.params.upid;
  const m = /^UPID:([^:]+):/.exec(upid);
  if (!m) throw fail(`unable to parse worker upid '${upid}'`);
  const t = ctx.tasks.find(upid);
  if (!t || t.node !== ctx.params.node) throw fail(`no such task '${upid}'`);
  return t;
}

export const clusterHandlers: HandlerTable = {
  'GET /version': () => ({ version: '9.2.0', release: '9.2', repoid: '8f9e2c1a4b7d6e30', console: 'html5' }),

  'GET /nodes': (ctx) => ctx.state.data.nodes.map((n) => {
    const { id: _id, type: _type, ...rest } = nodeSummary(ctx.state, n);
    return rest;
  }),

  'GET /nodes/{node}/status': (ctx) => {
    const s = nodeSummary(ctx.state, ctx.params.node);
    const i = nodeIndex(ctx.state, ctx.params.node);
    return {
      cpu: s.cpu,
      uptime: s.uptime,
      loadavg: ['0.42', '0.35', '0.30'],
      wait: 0.001,
      kversion: 'Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)',
      pveversion: 'pve-manager/9.2.0/8f9e2c1a4b7d6e30',
      idle: 0,
      cpuinfo: { cores: 4 * (i + 1), cpus: s.maxcpu, model: 'AMD EPYC 7302P 16-Core Processor', sockets: 1, mhz: '3000.000', hvm: '1', flags: 'fpu vme de pse' },
      memory: { total: s.maxmem, used: s.mem, free: s.maxmem - s.mem, available: s.maxmem - s.mem },
      swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
      rootfs: { total: s.maxdisk, used: s.disk, free: s.maxdisk - s.disk, avail: s.maxdisk - s.disk },
      ksm: { shared: 0 },
      'boot-info': { mode: 'efi', secureboot: 0 },
      'current-kernel': { sysname: 'Linux', release: '6.14.8-2-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2', machine: 'x86_64' },
    };
  },

  'GET /cluster/status': (ctx) => [
    { type: 'cluster', id: 'cluster', name: ctx.state.data.clusterName, nodes: ctx.state.data.nodes.length, quorate: 1, version: 3 },
    ...ctx.state.data.nodes.map((n, i) => ({
      type: 'node',
      id: `node/${n}`,
      name: n,
      nodeid: i + 1,
      ip: `192.0.2.${11 + i}`,
      online: 1,
      local: i === 0 ? 1 : 0,
      level: '',
    })),
  ],

  'GET /cluster/resources': (ctx) => {
    const state = ctx.state;
    const want = str(ctx.args.type);
    const out: Array<Record<string, unknown>> = [];
    if (!want || want === 'node') {
      for (const n of state.data.nodes) {
        const s = nodeSummary(state, n);
        out.push({ id: s.id, type: 'node', node: n, status: 'online', cpu: s.cpu, maxcpu: s.maxcpu, mem: s.mem, maxmem: s.maxmem, disk: s.disk, maxdisk: s.maxdisk, uptime: s.uptime, level: '', 'cgroup-mode': 2 });
      }
    }
    if (!want || want === 'vm') {
      const pools = Object.values(state.data.pools);
      for (const g of Object.values(state.data.guests).sort((a, b) => a.vmid - b.vmid)) {
        if (!mayAudit(ctx, `/vms/${g.vmid}`, ['VM.Audit'])) continue;
        const s = guestStatus(state, g);
        const pool = pools.find((p) => p.members.includes(`${g.type}/${g.vmid}`))?.poolid;
        out.push({
          id: `${g.type}/${g.vmid}`,
          type: g.type,
          node: g.node,
          vmid: g.vmid,
          name: s.name,
          status: s.status,
          cpu: s.cpu,
          maxcpu: s.cpus,
          mem: s.mem,
          maxmem: s.maxmem,
          disk: s.disk,
          maxdisk: s.maxdisk,
          uptime: s.uptime,
          netin: s.netin,
          netout: s.netout,
          diskread: s.diskread,
          diskwrite: s.diskwrite,
          template: g.config.template ? 1 : 0,
          ...(pool ? { pool } : {}),
          ...(g.config.tags ? { tags: g.config.tags } : {}),
          ...(g.config.lock ? { lock: g.config.lock } : {}),
        });
      }
    }
    if (!want || want === 'storage') {
      for (const n of state.data.nodes) {
        for (const s of Object.values(state.data.storages)) {
          if (!mayAudit(ctx, `/storage/${s.storage}`, ['Datastore.Audit', 'Datastore.AllocateSpace'])) continue;
          const u = storageUsage(s, n);
          out.push({ id: `storage/${n}/${s.storage}`, type: 'storage', node: n, storage: s.storage, status: 'available', plugintype: s.type, content: s.content, shared: s.shared, disk: u.used, maxdisk: u.total });
        }
      }
    }
    if (!want || want === 'pool') {
      for (const p of Object.values(state.data.pools)) if (mayAudit(ctx, `/pool/${p.poolid}`, ['Pool.Audit'])) out.push({ id: `pool/${p.poolid}`, type: 'pool', pool: p.poolid, status: 'ok' });
    }
    if (!want || want === 'sdn') {
      for (const n of state.data.nodes) out.push({ id: `sdn/${n}/localnetwork`, type: 'sdn', node: n, sdn: 'localnetwork', status: 'ok' });
    }
    return out;
  },

  'GET /cluster/nextid': (ctx) => nextId(ctx.state, ctx.args.vmid),

  'GET /cluster/tasks': (ctx) =>
    ctx.state.data.tasks
      .slice()
      .reverse()
      .map((t) => ctx.tasks.row(t)),

  'GET /nodes/{node}/tasks': (ctx) => {
    const start = int(ctx.args.start, 0);
    const limit = int(ctx.args.limit, 50);
    const matching = ctx.state.data.tasks.filter((t) => t.node === ctx.params.node && taskFilter(ctx, t)).reverse();
    ctx.extra = { total: matching.length };
    return matching.slice(start, start + limit).map((t) => ctx.tasks.row(t));
  },

  'GET /nodes/{node}/tasks/{upid}': () => [{ name: 'log' }, { name: 'status' }],

  'GET /nodes/{node}/tasks/{upid}/status': (ctx) => ctx.tasks.status(task(ctx)),

  'GET /nodes/{node}/tasks/{upid}/log': (ctx) => {
    const t = task(ctx);
    const { lines, total } = ctx.tasks.log(t, int(ctx.args.start, 0), int(ctx.args.limit, 50));
    ctx.extra = { total };
    return lines;
  },

  'DELETE /nodes/{node}/tasks/{upid}': (ctx) => {
    const t = task(ctx);
    if (Tasks.running(t)) {
      t.endsAt = Date.now();
      t.exitstatus = 'unexpected status';
      t.log.push('received interrupt', 'TASK ERROR: interrupted by signal');
      ctx.changed();
    }
    return null;
  },
};

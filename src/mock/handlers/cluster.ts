/** Cluster-wide views: /version, /nodes, node status, /cluster/resources, /cluster/status, /cluster/nextid. */
import { createHash } from 'node:crypto';
import { hasPrivs } from '../acl';
import type { MockState, Storage } from '../state';
import { type HandlerContext, type HandlerTable, now, str } from './context';
import { guestStatus, nextId } from './guest-common';

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
    cpu: 0.05 + i * 0.03,
    maxcpu: 8 * (i + 1),
    mem: (12 + 4 * i) * GiB,
    maxmem: 64 * (i + 1) * GiB,
    disk: (20 + 5 * i) * GiB,
    maxdisk: 100 * GiB,
    uptime: now() - NODE_BOOT + i * 3600,
  };
}

/**
 * A node as lists show it: everyone sees that it exists and is online, only Sys.Audit on /nodes/{node} shows
 * its load and sizes (PVE::API2Tools::extract_node_stats with exclude_stats).
 */
function nodeEntry(ctx: HandlerContext, node: string): Record<string, unknown> {
  const { cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime } = nodeSummary(ctx.state, node);
  const entry = { id: `node/${node}`, type: 'node', node, status: 'online', level: '' };
  if (!hasPrivs(ctx.state, ctx.id, `/nodes/${node}`, ['Sys.Audit'])) return entry;
  return { ...entry, cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime };
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

type Entry = Record<string, unknown>;

/** Pools the caller may audit; their load is summed from their running guests below. */
function poolEntries(ctx: HandlerContext): Entry[] {
  return Object.values(ctx.state.data.pools)
    .filter((p) => hasPrivs(ctx.state, ctx.id, `/pool/${p.poolid}`, ['Pool.Audit']))
    .sort((a, b) => (a.poolid < b.poolid ? -1 : 1))
    .map((p) => ({ id: `/pool/${p.poolid}`, type: 'pool', pool: p.poolid }));
}

/** Guests with VM.Audit (on the guest or its pool); a pool's name only with Pool.Audit on it. */
function guestEntries(ctx: HandlerContext, poolRows: Entry[]): Entry[] {
  const state = ctx.state;
  const out: Entry[] = [];
  for (const g of Object.values(state.data.guests).sort((a, b) => a.vmid - b.vmid)) {
    const s = guestStatus(state, g);
    const pool = Object.values(state.data.pools).find((p) => p.members.includes(`${g.type}/${g.vmid}`))?.poolid;
    const poolRow = poolRows.find((r) => r.pool === pool);
    if (poolRow && s.status === 'running') addToPool(poolRow, s);
    if (!hasPrivs(state, ctx.id, `/vms/${g.vmid}`, ['VM.Audit'])) continue;
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
      ...(pool && hasPrivs(state, ctx.id, `/pool/${pool}`, ['Pool.Audit']) ? { pool } : {}),
      ...(g.config.tags ? { tags: g.config.tags } : {}),
      ...(g.config.lock ? { lock: g.config.lock } : {}),
    });
  }
  return out;
}

/** A pool row shows the summed memory and CPUs of its running guests, its CPU load weighted by their CPUs. */
function addToPool(row: Entry, s: Entry): void {
  const n = (v: unknown) => Number(v ?? 0);
  row.uptime = Math.max(n(row.uptime), n(s.uptime));
  row.mem = n(row.mem) + n(s.mem);
  row.maxmem = n(row.maxmem) + n(s.maxmem);
  const cpus = n(row.maxcpu) + n(s.cpus);
  row.cpu = cpus ? (n(row.cpu) * n(row.maxcpu) + n(s.cpu) * n(s.cpus)) / cpus : 0;
  row.maxcpu = cpus;
}

/** One row per storage and node, for storages with Datastore.Audit. */
function storageEntries(ctx: HandlerContext): Entry[] {
  const out: Entry[] = [];
  for (const s of Object.values(ctx.state.data.storages)) {
    if (!hasPrivs(ctx.state, ctx.id, `/storage/${s.storage}`, ['Datastore.Audit'])) continue;
    for (const n of ctx.state.data.nodes) {
      const u = storageUsage(s, n);
      out.push({ id: `storage/${n}/${s.storage}`, type: 'storage', node: n, storage: s.storage, status: 'available', plugintype: s.type, content: s.content, shared: s.shared, disk: u.used, maxdisk: u.total });
    }
  }
  return out;
}

/** The default SDN zone on every node, with SDN.Audit on /sdn/zones/localnetwork. */
function sdnEntries(ctx: HandlerContext): Entry[] {
  if (!hasPrivs(ctx.state, ctx.id, '/sdn/zones/localnetwork', ['SDN.Audit'])) return [];
  return ctx.state.data.nodes.map((n) => ({ id: `sdn/${n}/localnetwork`, type: 'sdn', node: n, sdn: 'localnetwork', status: 'ok' }));
}

export const clusterHandlers: HandlerTable = {
  'GET /version': () => ({ version: '9.2.0', release: '9.2', repoid: '8f9e2c1a4b7d6e30', console: 'html5' }),

  'GET /nodes': (ctx) => ctx.state.data.nodes.map((n) => ({ ...nodeEntry(ctx, n), ssl_fingerprint: nodeFingerprint(ctx.state, n) })),

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
    // Proxmox's order: pools, guests, nodes, storages, SDN zones.
    const want = str(ctx.args.type);
    const pools = !want || want === 'pool' ? poolEntries(ctx) : [];
    const guests = !want || want === 'vm' ? guestEntries(ctx, pools) : [];
    const nodes = !want || want === 'node' ? ctx.state.data.nodes.map((n) => ({ ...nodeEntry(ctx, n), 'cgroup-mode': 2 })) : [];
    const storages = !want || want === 'storage' ? storageEntries(ctx) : [];
    const sdn = !want || want === 'sdn' ? sdnEntries(ctx) : [];
    return [...pools, ...guests, ...nodes, ...storages, ...sdn];
  },

  'GET /cluster/nextid': (ctx) => nextId(ctx.state, ctx.args.vmid),
};

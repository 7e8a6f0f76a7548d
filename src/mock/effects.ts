/**
 * What a task changes in the state, kept with the task as data: applied when the task runs to its end, and its
 * cleanup when it is stopped. Data rather than closures, because the process that sees a task end may not be the
 * one that started it (each CLI run against the built-in mock is a process of its own). An effect whose guest is
 * gone meanwhile does nothing.
 */
import type { ConfigValue, Guest, MockState, Volume } from './state';
import { volumesOf } from './state';

export type Effect =
  /** Power state; `restarted` starts the uptime at the task's end. */
  | { op: 'power'; vmid: number; status: Guest['status']; restarted?: boolean }
  | { op: 'config'; vmid: number; set: Record<string, ConfigValue>; delete: string[] }
  | { op: 'template'; vmid: number }
  | { op: 'resize'; vmid: number; disk: string; value: string; volid: string; bytes: number }
  | { op: 'migrate'; vmid: number; target: string }
  /** The snapshot becomes the parent of the current state. */
  | { op: 'snapshot-commit'; vmid: number; name: string }
  | { op: 'snapshot-delete'; vmid: number; name: string }
  | { op: 'rollback'; vmid: number; name: string; start: boolean }
  /** A guest destroyed: its config, disks, pool membership and ACLs (backups stay). */
  | { op: 'destroy'; vmid: number }
  /** A guest whose creation failed: its config, the volumes made for it, its pool membership. */
  | { op: 'discard'; vmid: number; node: string; volids: string[] }
  | { op: 'add-volume'; storage: string; node: string; volume: Volume }
  /** The config lock a task held is released (if the guest still holds that one). */
  | { op: 'unlock'; vmid: number; lock: string }
  /** An HA resource's requested state, as `ha-manager set` writes it. */
  | { op: 'ha-state'; sid: string; state: string }
  | { op: 'free'; node: string; volids: string[] };

export interface TaskEffects {
  /** Applied when the task runs to its end. */
  end?: Effect[];
  /** Applied instead when the task is stopped before its end. */
  stop?: Effect[];
}

/** Apply effects in order; `at` (epoch seconds) is when the task ended. */
export function applyEffects(state: MockState, effects: Effect[] | undefined, at: number): void {
  for (const e of effects ?? []) apply(state, e, at);
}

function apply(state: MockState, e: Effect, at: number): void {
  switch (e.op) {
    case 'add-volume': {
      const s = state.data.storages[e.storage];
      if (s) volumesOf(s, e.node).push(e.volume);
      return;
    }
    case 'free':
      return freeVolumes(state, e.node, e.volids);
    case 'ha-state': {
      const r = state.data.ha?.resources[e.sid];
      if (r) r.state = e.state;
      return;
    }
    case 'destroy':
      delete state.data.guests[String(e.vmid)];
      removeFromHa(state, e.vmid);
      removeDisks(state, e.vmid);
      removeFromPools(state, e.vmid);
      state.data.acl = state.data.acl.filter((a) => a.path !== `/vms/${e.vmid}`);
      return;
    case 'discard':
      delete state.data.guests[String(e.vmid)];
      freeVolumes(state, e.node, e.volids);
      removeFromPools(state, e.vmid);
      return;
  }
  const g = state.guest(e.vmid);
  if (!g) return;
  switch (e.op) {
    case 'power':
      g.status = e.status;
      if (e.status === 'stopped') g.startedAt = undefined;
      else if (e.restarted) g.startedAt = at;
      return;
    case 'config':
      Object.assign(g.config, e.set);
      for (const k of e.delete) delete g.config[k];
      return;
    case 'template':
      g.config.template = 1;
      return;
    case 'unlock':
      if (g.config.lock === e.lock) delete g.config.lock;
      return;
    case 'resize':
      g.config[e.disk] = e.value;
      for (const s of Object.values(state.data.storages)) for (const list of Object.values(s.volumes)) for (const v of list) if (v.volid === e.volid) v.size = e.bytes;
      return;
    case 'migrate':
      return migrate(state, g, e.target);
    case 'snapshot-commit':
      if (g.snapshots[e.name]) g.config.parent = e.name;
      return;
    case 'snapshot-delete':
      return deleteSnapshot(g, e.name);
    case 'rollback':
      return rollback(g, e.name, e.start, at);
  }
}

function freeVolumes(state: MockState, node: string, volids: string[]): void {
  for (const volid of volids) {
    const s = state.data.storages[volid.split(':')[0]];
    if (!s) continue;
    const list = volumesOf(s, node);
    const i = list.findIndex((v) => v.volid === volid);
    if (i >= 0) list.splice(i, 1);
  }
}

function removeDisks(state: MockState, vmid: number): void {
  for (const s of Object.values(state.data.storages)) {
    for (const node of Object.keys(s.volumes)) s.volumes[node] = s.volumes[node].filter((v) => v.vmid !== vmid || v.content === 'backup');
  }
}

function removeFromPools(state: MockState, vmid: number): void {
  for (const p of Object.values(state.data.pools)) p.members = p.members.filter((m) => !/^(qemu|lxc)\//.test(m) || m.split('/')[1] !== String(vmid));
}

/** A purged guest leaves the HA resources, and the rules that named only it (pve-ha-manager delete_service_from_config). */
function removeFromHa(state: MockState, vmid: number): void {
  const ha = state.data.ha;
  if (!ha) return;
  for (const sid of [`vm:${vmid}`, `ct:${vmid}`]) {
    if (!ha.resources[sid]) continue;
    delete ha.resources[sid];
    for (const [id, rule] of Object.entries(ha.rules)) {
      const left = String(rule.resources).split(',').filter((r) => r !== sid);
      if (left.length) rule.resources = left.join(',');
      else delete ha.rules[id];
    }
  }
}

/** The guest's disks on local storages go with it; shared storages stay where they are. */
function migrate(state: MockState, g: Guest, target: string): void {
  for (const s of Object.values(state.data.storages)) {
    if (s.shared) continue;
    const moving = (s.volumes[g.node] ?? []).filter((v) => v.vmid === g.vmid && v.content !== 'backup');
    s.volumes[g.node] = (s.volumes[g.node] ?? []).filter((v) => !moving.includes(v));
    (s.volumes[target] ??= []).push(...moving);
  }
  g.node = target;
}

/** Snapshots that descended from the deleted one, and the current state, descend from its parent now. */
function deleteSnapshot(g: Guest, name: string): void {
  const s = g.snapshots[name];
  if (!s) return;
  for (const other of Object.values(g.snapshots)) if (other.parent === s.name) other.parent = s.parent;
  if (g.config.parent === s.name) {
    if (s.parent) g.config.parent = s.parent;
    else delete g.config.parent;
  }
  delete g.snapshots[name];
}

/** The current description and unused disks stay; the rest comes from the snapshot, which becomes the parent. */
function rollback(g: Guest, name: string, start: boolean, at: number): void {
  const s = g.snapshots[name];
  if (!s) return;
  const kept = Object.fromEntries(Object.entries(g.config).filter(([k]) => k === 'description' || /^unused\d+$/.test(k)));
  g.config = { ...s.config, ...kept, parent: s.name };
  if (!s.vmstate) {
    g.status = 'stopped';
    g.startedAt = undefined;
  }
  if (start && g.status === 'stopped') {
    g.status = 'running';
    g.startedAt = at;
  }
}

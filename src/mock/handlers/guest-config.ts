/**
 * A guest's configuration: create, change (with `delete=` and `digest`), resize a disk, clone. What a task makes at
 * once (a new guest's config and disks) is cleaned up when it fails or is stopped, as on Proxmox.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Effect, applyEffects } from '../effects';
import { badParams, fail } from '../mock-error';
import { type ConfigValue, type Guest, type GuestType, type MockState, diskVolume, volumesOf } from '../state';
import { type HandlerContext, bool, int, now, str } from './context';
import {
  assertUnlocked,
  checkDigest,
  configDigest,
  guestName,
  guestOf,
  label,
  lockError,
  requireAllocate,
  rootOnly,
  startTask,
} from './guest-common';

/** Parameters of create/config calls that are instructions, not configuration. */
const NOT_CONFIG = new Set([
  'node', 'vmid', 'start', 'pool', 'storage', 'password', 'ssh-public-keys', 'ostemplate', 'archive', 'force', 'unique',
  'live-restore', 'restore', 'ignore-unpack-errors', 'bwlimit', 'digest', 'delete', 'revert', 'skiplock',
  'background_delay', 'current', 'snapshot',
]);

const NIC_MODELS = new Set(['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3']);

function newMac(): string {
  const bytes = randomBytes(3);
  return ['BC', '24', '11', ...[...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase())].join(':');
}

/** The request's configuration keys (its instructions left out). */
function configArgs(ctx: HandlerContext): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(ctx.args)) if (!NOT_CONFIG.has(k) && v !== undefined) out[k] = v as ConfigValue;
  return out;
}

/**
 * Network devices get a MAC address as Proxmox gives them: `virtio,bridge=vmbr0` → `virtio=BC:24:11:..,bridge=vmbr0`
 * (QEMU: model=MAC as the first key), and `hwaddr=` added to container interfaces.
 */
function assignMacs(type: GuestType, config: Record<string, ConfigValue>): void {
  for (const [key, value] of Object.entries(config)) {
    if (!/^net\d+$/.test(key) || typeof value !== 'string') continue;
    const parts = value.split(',');
    if (type === 'lxc') {
      if (!parts.some((p) => p.startsWith('hwaddr='))) config[key] = `${value},hwaddr=${newMac()}`;
      continue;
    }
    const model = parts.find((p) => NIC_MODELS.has(p.split('=')[0]))?.split('=')[0] ?? parts.find((p) => p.startsWith('model='))?.slice(6);
    if (!model) continue;
    const mac =
      parts.find((p) => p.startsWith(`${model}=`))?.slice(model.length + 1) ?? parts.find((p) => p.startsWith('macaddr='))?.slice(8) ?? newMac();
    const rest = parts.filter((p) => p !== model && !p.startsWith(`${model}=`) && !p.startsWith('model=') && !p.startsWith('macaddr='));
    config[key] = [`${model}=${mac}`, ...rest].join(',');
  }
}

const NEW_DISK = /^([a-zA-Z][\w.-]*):(\d+(?:\.\d+)?)(,.*)?$/;
const DISK_KEY = /^(scsi|sata|ide|virtio|efidisk|tpmstate|rootfs|mp)\d*$/;

/**
 * The storages new disks (`local-lvm:32`) go to must exist, and for a VM hold images (qemu-server
 * check_storage_access), checked before anything is written.
 */
function checkNewDisks(state: MockState, type: GuestType, config: Record<string, ConfigValue>): void {
  for (const [key, value] of Object.entries(config)) {
    if (!DISK_KEY.test(key) || typeof value !== 'string') continue;
    const m = NEW_DISK.exec(value);
    if (!m || /(^|,)media=cdrom/.test(value)) continue;
    const storage = state.data.storages[m[1]];
    if (!storage) throw fail(`storage '${m[1]}' does not exist`);
    if (type === 'qemu' && !storage.content.split(',').includes('images')) throw badParams({ storage: `storage '${m[1]}' does not support vm images` });
  }
}

/**
 * `local-lvm:32` (allocate 32 GiB) → `local-lvm:vm-200-disk-0,size=32G`, adding the volume to the storage.
 * Returns the new volumes' ids.
 */
function allocateDisks(state: MockState, g: Guest, config: Record<string, ConfigValue>): string[] {
  const made: string[] = [];
  let index = Object.values(state.data.storages).reduce(
    (n, s) => n + Object.values(s.volumes).flat().filter((v) => v.vmid === g.vmid).length,
    0,
  );
  for (const [key, value] of Object.entries(config)) {
    if (!DISK_KEY.test(key) || typeof value !== 'string') continue;
    const m = NEW_DISK.exec(value);
    if (!m) continue;
    const storage = state.data.storages[m[1]];
    if (!storage) continue;
    const vol = diskVolume(m[1], g.vmid, index++, Number(m[2]));
    volumesOf(storage, g.node).push(vol);
    made.push(vol.volid);
    config[key] = `${vol.volid}${m[3] ?? ''},size=${m[2]}G`;
  }
  return made;
}

/** A config change asked for: checked, its new disks allocated at once (they are the cleanup's to free). */
function configChange(ctx: HandlerContext, g: Guest): { change: Extract<Effect, { op: 'config' }>; volids: string[] } {
  rootOnly(ctx, 'skiplock');
  if (!bool(ctx.args.skiplock)) assertUnlocked(g);
  checkDigest(ctx, g);
  const updates = configArgs(ctx);
  checkNewDisks(ctx.state, g.type, updates);
  const deletions = String(ctx.args.delete ?? '').split(/[,;\s]+/).filter(Boolean);
  const both = deletions.filter((k) => k in updates);
  if (both.length) throw badParams(Object.fromEntries(both.map((k) => [k, `unable to delete and set '${k}' at the same time`])));
  const volids = allocateDisks(ctx.state, g, updates);
  assignMacs(g.type, updates);
  return { change: { op: 'config', vmid: g.vmid, set: updates, delete: deletions }, volids };
}

/** What `qm create` / `pct create` write themselves; defaults such as a VM's memory stay implicit, as on Proxmox. */
function createDefaults(type: GuestType, vmid: number, config: Record<string, ConfigValue>): void {
  if (type === 'qemu') {
    config.meta ??= `creation-qemu=9.2.0,ctime=${now()}`;
    config.smbios1 ??= `uuid=${randomUUID()}`;
    if (config.vmgenid === undefined || config.vmgenid === '1') config.vmgenid = randomUUID();
    return;
  }
  config.hostname ??= `CT${vmid}`;
  config.unprivileged ??= 1;
  config.arch ??= 'amd64';
  config.ostype ??= 'debian';
  config.memory ??= 512;
  config.rootfs ??= 'local-lvm:8';
}

/** `POST /nodes/{node}/{type}`. */
export function createGuest(type: GuestType, ctx: HandlerContext): string {
  const L = label(type);
  const vmid = int(ctx.args.vmid, 0);
  const pool = str(ctx.args.pool);
  const existing = ctx.state.guest(vmid);
  // PVE::Cluster::check_vmid_unused names the type of the guest that holds the id; pct checks it first.
  const taken = existing && `${label(existing.type)} ${vmid} already exists on node '${existing.node}'`;
  if (taken && type === 'lxc') throw fail(taken);
  requireAllocate(ctx, vmid, pool);
  const config = configArgs(ctx);
  checkNewDisks(ctx.state, type, config);
  if (taken) throw fail(`unable to create ${L} ${vmid} - ${taken}`);
  const g: Guest = { vmid, type, node: ctx.params.node, status: 'stopped', config: {}, snapshots: {} };
  createDefaults(type, vmid, config);
  // The config and disks exist from the start, as Proxmox writes the config first; a failed task removes them.
  const volids = allocateDisks(ctx.state, g, config);
  assignMacs(type, config);
  g.config = config;
  ctx.state.data.guests[String(vmid)] = g;
  if (pool) ctx.state.data.pools[pool].members.push(`${type}/${vmid}`);
  return startTask(ctx, g, 'create', {
    effects: bool(ctx.args.start) ? [{ op: 'power', vmid, status: 'running', restarted: true }] : [],
    cleanup: [{ op: 'discard', vmid, node: g.node, volids }],
    lock: 'create',
  });
}

/** `PUT .../config`: applied at once. */
export function setConfig(type: GuestType, ctx: HandlerContext): null {
  applyEffects(ctx.state, [configChange(ctx, guestOf(type, ctx)).change], now());
  ctx.changed();
  return null;
}

/** `POST .../config` (QEMU): the change as a task; its new disks are freed if it fails. */
export function setConfigAsync(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const { change, volids } = configChange(ctx, g);
  return startTask(ctx, g, 'config', { effects: [change], cleanup: [{ op: 'free', node: g.node, volids }] });
}

/** `12G`, `512M`, `1.5T`, `1024` (bytes, as both parse a size without unit) → bytes; NaN when it is none of these. */
function sizeOf(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
  return m ? Number(m[1]) * 1024 ** (m[2] ? 'KMGT'.indexOf(m[2]) + 1 : 0) : NaN;
}

/** The error a resize meets, in qemu-server's and pve-container's words. */
function resizeError(type: GuestType, g: Guest, disk: string, current: ConfigValue | undefined, bytes: number, oldBytes: number): string | undefined {
  if (typeof current !== 'string') return `disk '${disk}' does not exist`;
  if (type === 'qemu') return bytes < oldBytes ? 'shrinking disks is not supported' : undefined;
  if (bytes < oldBytes) return 'unable to shrink disk size';
  return bytes === oldBytes ? 'disk is already at specified size' : undefined;
}

/**
 * `PUT .../resize`: grow a disk to a size, or by `+size`; never shrink. pve-container checks before the fork
 * (HTTP 500), qemu-server in the worker (a failed task); a VM disk already that size is left as it is.
 */
export function resizeDisk(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  rootOnly(ctx, 'skiplock');
  const disk = String(ctx.args.disk);
  const current = g.config[disk];
  const oldBytes = sizeOf(/(?:^|,)size=([^,]+)/.exec(String(current ?? ''))?.[1] ?? '0');
  const spec = String(ctx.args.size);
  const bytes = spec.startsWith('+') ? oldBytes + sizeOf(spec.slice(1)) : sizeOf(spec);
  if (type === 'lxc') {
    assertUnlocked(g);
    checkDigest(ctx, g);
  }
  const locked = type === 'qemu' && !bool(ctx.args.skiplock) ? lockError(g) : undefined;
  const error = type === 'qemu' && ctx.args.digest !== undefined && String(ctx.args.digest) !== configDigest(g.config)
    ? 'checksum mismatch (file change by other user?)'
    : (locked ?? resizeError(type, g, disk, current, bytes, oldBytes));
  if (error && type === 'lxc') throw fail(error);
  if (error) return startTask(ctx, g, 'resize', { type: 'resize', error });
  const gib = Math.round((bytes / 1024 ** 3) * 100) / 100;
  const text = String(current);
  const value = /(?:^|,)size=/.test(text) ? text.replace(/size=[^,]+/, `size=${gib}G`) : `${text},size=${gib}G`;
  const effects: Effect[] = bytes === oldBytes ? [] : [{ op: 'resize', vmid: g.vmid, disk, value, volid: text.split(',')[0], bytes }];
  return startTask(ctx, g, 'resize', { type: 'resize', effects });
}

/** The copy's config: the source's, its disks renamed, new MAC addresses (as on Proxmox), the name asked for. */
function cloneConfig(type: GuestType, ctx: HandlerContext, g: Guest, newid: number): Record<string, ConfigValue> {
  const config: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(g.config)) {
    if (k === 'template' || k === 'lock' || k === 'parent') continue;
    config[k] = typeof v === 'string' ? v.replace(new RegExp(`vm-${g.vmid}-disk-`, 'g'), `vm-${newid}-disk-`) : v;
  }
  for (const [k, v] of Object.entries(config)) {
    if (/^net\d+$/.test(k) && typeof v === 'string') config[k] = v.replace(/^(\w[\w-]*)=[0-9A-Fa-f:]{17}/, '$1').replace(/,hwaddr=[^,]+/, '');
  }
  assignMacs(type, config);
  // A VM copy is named `Copy-of-VM-NAME` unless named; a container keeps its source's hostname unless given one.
  if (type === 'qemu') config.name = str(ctx.args.name) ?? `Copy-of-VM-${guestName(g)}`;
  else if (ctx.args.hostname) config.hostname = String(ctx.args.hostname);
  if (ctx.args.description) config.description = String(ctx.args.description);
  return config;
}

/** Copies of the source's disk images for the clone on `target`; returns their ids. */
function cloneDisks(state: MockState, g: Guest, newid: number, target: string): string[] {
  const volids: string[] = [];
  for (const s of Object.values(state.data.storages)) {
    for (const [node, vols] of Object.entries(s.volumes)) {
      for (const v of vols.filter((x) => x.vmid === g.vmid && x.content === 'images')) {
        const volid = v.volid.replace(`vm-${g.vmid}-`, `vm-${newid}-`);
        (s.volumes[s.shared ? node : target] ??= []).push({ ...v, vmid: newid, volid });
        volids.push(volid);
      }
    }
  }
  return volids;
}

/** `POST .../clone`. */
export function cloneGuest(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const newid = int(ctx.args.newid, 0);
  const pool = str(ctx.args.pool);
  requireAllocate(ctx, newid, pool);
  const wanted = str(ctx.args.target);
  // The local node (or `localhost`) as target is no target.
  const target = wanted && wanted !== g.node && wanted !== 'localhost' ? wanted : g.node;
  cloneChecks(type, ctx, g, newid, target);
  // The copy exists from the start (Proxmox writes its config first, locked), and goes if the clone fails.
  const copy: Guest = { vmid: newid, type, node: target, status: 'stopped', config: cloneConfig(type, ctx, g, newid), snapshots: {} };
  ctx.state.data.guests[String(newid)] = copy;
  const volids = cloneDisks(ctx.state, g, newid, target);
  if (pool && ctx.state.data.pools[pool]) ctx.state.data.pools[pool].members.push(`${type}/${newid}`);
  // The copy is locked until the task ends (qemu-server: `clone`, pve-container: `create`, its source `disk`).
  copy.config.lock = type === 'qemu' ? 'clone' : 'create';
  const unlockCopy: Effect = { op: 'unlock', vmid: newid, lock: String(copy.config.lock) };
  return startTask(ctx, g, 'clone', {
    effects: [unlockCopy],
    cleanup: [{ op: 'discard', vmid: newid, node: target, volids }],
    ...(type === 'lxc' ? { lock: 'disk' } : {}),
  });
}

/** What qemu-server's clone_vm and pve-container's clone_vm refuse before the fork, in their order. */
function cloneChecks(type: GuestType, ctx: HandlerContext, g: Guest, newid: number, target: string): void {
  const pool = str(ctx.args.pool);
  const snapname = str(ctx.args.snapname);
  const storage = str(ctx.args.storage);
  const full = ctx.args.full === undefined ? !g.config.template : bool(ctx.args.full);
  if (type === 'lxc' && pool && !ctx.state.data.pools[pool]) throw fail(`pool '${pool}' does not exist`);
  if (target !== g.node && !ctx.state.data.nodes.includes(target)) throw fail(`no such cluster node '${target}'`);
  if (type === 'qemu' && pool && !ctx.state.data.pools[pool]) throw fail(`pool '${pool}' does not exist`);
  if (storage) {
    const s = ctx.state.data.storages[storage];
    if (!s) throw fail(`storage '${storage}' does not exist`);
    if (type === 'qemu' && !s.content.split(',').includes('images')) throw badParams({ storage: `storage '${storage}' does not support vm images` });
    if (target !== g.node && !s.shared) throw fail(`can't clone to non-shared storage '${storage}'`);
  }
  assertUnlocked(g);
  const existing = ctx.state.guest(newid);
  if (type === 'lxc' && existing) throw fail(`${label(existing.type)} ${newid} already exists on node '${existing.node}'`);
  if (snapname && !g.snapshots[snapname]) throw fail(`snapshot '${snapname}' does not exist`);
  if (storage && !full) throw fail(`parameter 'storage' not allowed for linked clones`);
  if (type === 'qemu' && ctx.args.format !== undefined && !full) throw fail(`parameter 'format' not allowed for linked clones`);
  if (target !== g.node && usesLocalStorage(ctx.state, g)) {
    throw fail(`can't clone ${type === 'qemu' ? 'VM' : 'CT'} to node '${target}' (${type === 'qemu' ? 'VM' : 'CT'} uses local storage)`);
  }
  if (type === 'qemu' && existing) throw fail(`unable to create VM ${newid}: config file already exists`);
}

/** A guest with a disk on a storage that is not shared cannot be cloned to another node. */
function usesLocalStorage(state: MockState, g: Guest): boolean {
  return Object.values(state.data.storages).some((s) => !s.shared && Object.values(s.volumes).flat().some((v) => v.vmid === g.vmid && v.content === 'images'));
}

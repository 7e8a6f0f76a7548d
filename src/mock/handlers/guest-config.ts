/**
 * A guest's configuration: create, change (with `delete=` and `digest`), resize a disk, clone. What a task makes at
 * once (a new guest's config and disks) is cleaned up when it fails or is stopped, as on Proxmox.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Effect, applyEffects } from '../effects';
import { badParams, fail } from '../mock-error';
import { type ConfigValue, type Guest, type GuestType, type MockState, diskVolume, volumesOf } from '../state';
import { type HandlerContext, bool, int, now, str } from './context';
import { checkDigest, guestName, guestOf, label, requireAllocate, startTask } from './guest-common';

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
    if (!/^(scsi|sata|ide|virtio|efidisk|tpmstate|rootfs|mp)\d*$/.test(key) || typeof value !== 'string') continue;
    const m = /^([a-zA-Z][\w.-]*):(\d+(?:\.\d+)?)(,.*)?$/.exec(value);
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
  checkDigest(ctx, g);
  const updates = configArgs(ctx);
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
  requireAllocate(ctx, vmid, pool);
  const existing = ctx.state.guest(vmid);
  if (existing) throw fail(`unable to create ${L} ${vmid} - ${L} ${vmid} already exists on node '${existing.node}'`);
  const g: Guest = { vmid, type, node: ctx.params.node, status: 'stopped', config: {}, snapshots: {} };
  const config = configArgs(ctx);
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

/** `12G`, `512M`, `1.5T`, `1024` (KiB) → bytes; NaN when it is none of these. */
function sizeOf(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
  return m ? Number(m[1]) * 1024 ** ('KMGT'.indexOf(m[2] || 'K') + 1) : NaN;
}

/** `PUT .../resize`: grow a disk to a size, or by `+size`; never shrink. */
export function resizeDisk(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  checkDigest(ctx, g);
  const disk = String(ctx.args.disk);
  const current = g.config[disk];
  if (typeof current !== 'string') throw fail(`disk '${disk}' does not exist`);
  const oldBytes = sizeOf(/(?:^|,)size=([^,]+)/.exec(current)?.[1] ?? '0');
  const spec = String(ctx.args.size);
  const bytes = spec.startsWith('+') ? oldBytes + sizeOf(spec.slice(1)) : sizeOf(spec);
  if (Number.isNaN(bytes)) throw badParams({ size: `unable to parse size '${spec}'` });
  if (bytes < oldBytes) throw fail('shrinking disks is not supported');
  const gib = Math.round((bytes / 1024 ** 3) * 100) / 100;
  const value = /(?:^|,)size=/.test(current) ? current.replace(/size=[^,]+/, `size=${gib}G`) : `${current},size=${gib}G`;
  return startTask(ctx, g, 'resize', { effects: [{ op: 'resize', vmid: g.vmid, disk, value, volid: current.split(',')[0], bytes }] });
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
  const nameKey = type === 'qemu' ? 'name' : 'hostname';
  config[nameKey] = str(ctx.args[nameKey]) ?? str(ctx.args.name) ?? `Copy-of-${label(type)}-${guestName(g)}`;
  if (ctx.args.description !== undefined) config.description = String(ctx.args.description);
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
  const L = label(type);
  const g = guestOf(type, ctx);
  const newid = int(ctx.args.newid, 0);
  requireAllocate(ctx, newid, str(ctx.args.pool));
  if (ctx.state.guest(newid)) throw fail(`unable to create ${L} ${newid} - ${L} ${newid} already exists`);
  const target = str(ctx.args.target) ?? g.node;
  if (!ctx.state.data.nodes.includes(target)) throw badParams({ target: `no such cluster node '${target}'` });
  // The copy exists from the start (Proxmox writes its config first, locked), and goes if the clone fails.
  const copy: Guest = { vmid: newid, type, node: target, status: 'stopped', config: cloneConfig(type, ctx, g, newid), snapshots: {} };
  ctx.state.data.guests[String(newid)] = copy;
  const volids = cloneDisks(ctx.state, g, newid, target);
  const pool = str(ctx.args.pool);
  if (pool && ctx.state.data.pools[pool]) ctx.state.data.pools[pool].members.push(`${type}/${newid}`);
  return startTask(ctx, g, 'clone', { cleanup: [{ op: 'discard', vmid: newid, node: target, volids }] });
}

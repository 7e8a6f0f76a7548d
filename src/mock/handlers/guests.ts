/**
 * QEMU VMs and LXC containers: create, config (with `delete=` and `digest`), delete, power state, clone and
 * snapshots. Long operations return UPIDs, and what they change takes effect only when their task ends well, as
 * on Proxmox: what a task makes at once (a new guest's config and disks, a snapshot) is cleaned up when it fails
 * or is stopped. Magic guest names steer the task outcome for tests: `fail-task` → the task fails, `warn-task` →
 * it ends `WARNINGS: 2`, `long-log` → a 10,000-line log.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hasPrivs, requirePrivs } from '../acl';
import { MockError, badParams, fail } from '../mock-error';
import { type Effect, applyEffects } from '../effects';
import { type ConfigValue, type Guest, type GuestType, type MockState, diskVolume, volumesOf } from '../state';
import { type TaskPlan, isError } from '../tasks';
import { type HandlerContext, type HandlerTable, bool, int, now, str } from './context';

/** Parameters of create/config calls that are instructions, not configuration. */
const NOT_CONFIG = new Set([
  'node', 'vmid', 'start', 'pool', 'storage', 'password', 'ssh-public-keys', 'ostemplate', 'archive', 'force', 'unique',
  'live-restore', 'restore', 'ignore-unpack-errors', 'bwlimit', 'digest', 'delete', 'revert', 'skiplock',
  'background_delay', 'current', 'snapshot',
]);

const label = (type: GuestType) => (type === 'qemu' ? 'VM' : 'CT');
const confFile = (type: GuestType, node: string, vmid: string | number) =>
  `nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf`;

/** The guest a `/nodes/{node}/{qemu|lxc}/{vmid}...` path names, or Proxmox's "does not exist" error. */
export function guestAt(state: MockState, type: GuestType, node: string, vmid: string): Guest {
  const g = state.guest(vmid);
  if (!g || g.type !== type || g.node !== node) throw fail(`Configuration file '${confFile(type, node, vmid)}' does not exist`);
  return g;
}

/** A SHA-1 over a config, for `digest` checks against concurrent changes. */
export function configDigest(config: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(Object.entries(config).sort())).digest('hex');
}

export function guestName(g: Guest): string {
  return String(g.config.name ?? g.config.hostname ?? `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`);
}

/** The error a guest's tasks end with when its name asks for it. */
export function magicFailure(g: Guest): string | undefined {
  return guestName(g) === 'fail-task' ? `mock failure requested by the name 'fail-task'` : undefined;
}

/** Task outcome for the magic names. */
function magic(g: Guest): Partial<TaskPlan> {
  const failure = magicFailure(g);
  if (failure) return { exitstatus: failure };
  const n = guestName(g);
  if (n === 'warn-task') return { exitstatus: 'WARNINGS: 2' };
  if (n === 'long-log') return { logLines: 10_000 };
  return {};
}

const NIC_MODELS = new Set(['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3']);

function newMac(): string {
  const bytes = randomBytes(3);
  return ['BC', '24', '11', ...[...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase())].join(':');
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
  const { args } = ctx;
  if (args.digest !== undefined && String(args.digest) !== configDigest(g.config)) {
    throw fail('detected modified configuration - file changed by other user? Try again.');
  }
  const updates: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(args)) if (!NOT_CONFIG.has(k) && v !== undefined) updates[k] = v as ConfigValue;
  const deletions = String(args.delete ?? '').split(/[,;\s]+/).filter(Boolean);
  const both = deletions.filter((k) => k in updates);
  if (both.length) throw badParams(Object.fromEntries(both.map((k) => [k, `unable to delete and set '${k}' at the same time`])));
  const volids = allocateDisks(ctx.state, g, updates);
  assignMacs(g.type, updates);
  return { change: { op: 'config', vmid: g.vmid, set: updates, delete: deletions }, volids };
}

interface GuestTask {
  /** What the task changes when it ends well. */
  effects?: Effect[];
  /** What undoes the changes made when it started, should it fail or be stopped. */
  cleanup?: Effect[];
  /** The error the task ends with, whatever the guest's name. */
  error?: string;
  /** The task type when it is not qm/vz + the action. */
  type?: string;
}

/** Start a task on a guest: its effects apply only when it ends well (a magic name may make it fail). */
function startTask(ctx: HandlerContext, g: Guest, action: string, task: GuestTask = {}): string {
  const outcome = { ...magic(g), ...(task.error ? { exitstatus: task.error } : {}) };
  const cleanup = task.cleanup ?? [];
  const fails = outcome.exitstatus !== undefined && isError(outcome.exitstatus);
  return ctx.task({
    node: g.node,
    type: task.type ?? `${g.type === 'qemu' ? 'qm' : 'vz'}${action}`,
    id: String(g.vmid),
    ...outcome,
    effects: { end: fails ? cleanup : (task.effects ?? []), stop: cleanup },
  });
}

function powerAction(type: GuestType, action: string) {
  return (ctx: HandlerContext): string => {
    const g = guestAt(ctx.state, type, ctx.params.node, ctx.params.vmid);
    const L = label(type);
    const notRunning = `${L} ${g.vmid} not running`;
    const power = (status: Guest['status'], restarted?: boolean): GuestTask => ({
      effects: [{ op: 'power', vmid: g.vmid, status, ...(restarted ? { restarted } : {}) }],
    });
    let task: GuestTask;
    switch (action) {
      case 'start':
        if (g.status === 'running') task = { error: `${L} ${g.vmid} already running` };
        else if (g.config.template) task = { error: `you can't start a ${L === 'VM' ? 'vm' : 'container'} if it's a template` };
        else task = power('running', true);
        break;
      case 'stop':
        task = power('stopped');
        break;
      case 'shutdown':
        task = g.status === 'stopped' ? { error: notRunning } : power('stopped');
        break;
      case 'reboot':
      case 'reset':
        task = g.status !== 'running' ? { error: notRunning } : power('running', true);
        break;
      case 'suspend':
        task = g.status !== 'running' ? { error: notRunning } : power('paused');
        break;
      default: // resume
        task = g.status === 'stopped' ? { error: notRunning } : power('running');
    }
    return startTask(ctx, g, action, task);
  };
}

export function guestStatus(state: MockState, g: Guest): Record<string, unknown> {
  const running = g.status !== 'stopped';
  const memory = g.config.memory ?? (g.type === 'qemu' ? 2048 : 512);
  const maxmem = Number(String(memory).replace(/^current=/, '').split(',')[0]) * 1024 * 1024;
  const cpus = Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1);
  const disk = Object.values(state.data.storages)
    .flatMap((s) => Object.values(s.volumes).flat())
    .filter((v) => v.vmid === g.vmid && v.content !== 'backup')
    .reduce((n, v) => n + v.size, 0);
  const seed = g.vmid * 7919;
  const out: Record<string, unknown> = {
    vmid: g.vmid,
    name: guestName(g),
    status: running ? 'running' : 'stopped',
    cpus,
    maxmem,
    mem: running ? Math.floor(maxmem * (0.2 + (seed % 50) / 100)) : 0,
    maxdisk: disk,
    disk: g.type === 'lxc' && running ? Math.floor(disk * 0.3) : 0,
    cpu: running ? ((seed % 37) + 1) / 1000 : 0,
    uptime: running && g.startedAt ? now() - g.startedAt : 0,
    netin: running ? seed * 13 : 0,
    netout: running ? seed * 11 : 0,
    diskread: running ? seed * 17 : 0,
    diskwrite: running ? seed * 19 : 0,
    type: g.type,
  };
  if (g.type === 'qemu') {
    out.qmpstatus = g.status === 'paused' ? 'paused' : running ? 'running' : 'stopped';
    if (running) out.pid = 10000 + g.vmid;
  } else {
    out.maxswap = Number(g.config.swap ?? 0) * 1024 * 1024;
    out.swap = 0;
  }
  if (g.config.template) out.template = 1;
  if (g.config.tags) out.tags = g.config.tags;
  if (g.config.lock) out.lock = g.config.lock;
  return out;
}

/** VM.Allocate on the target pool will do, else on the new guest's path (RPCEnvironment::check_vm_perm). */
function requireAllocate(ctx: HandlerContext, vmid: number, pool: string | undefined): void {
  if (pool && !ctx.state.data.pools[pool]) throw new MockError(403, `Permission check failed (pool '${pool}' does not exist)`);
  if (pool && hasPrivs(ctx.state, ctx.id, `/pool/${pool}`, ['VM.Allocate'])) return;
  requirePrivs(ctx.state, ctx.id, `/vms/${vmid}`, ['VM.Allocate']);
}

function snapshotOf(g: Guest, name: string) {
  const s = g.snapshots[name];
  if (!s) throw fail(`snapshot '${name}' does not exist`);
  return s;
}

/** The snapshot the current state descends from: Proxmox keeps it as `parent` in the guest's config. */
function currentParent(g: Guest): string | undefined {
  const p = g.config.parent;
  return typeof p === 'string' && g.snapshots[p] ? p : undefined;
}

/** What a snapshot keeps of the config (as PVE::AbstractConfig's snapshot copy): no lock, no own parent or digest. */
function snapshotConfig(config: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const { lock: _lock, parent: _parent, description: _description, ...rest } = config;
  return rest;
}

export function guestHandlers(type: GuestType): HandlerTable {
  const base = `/nodes/{node}/${type}`;
  const one = `${base}/{vmid}`;
  const L = label(type);
  const get = (ctx: HandlerContext) => guestAt(ctx.state, type, ctx.params.node, ctx.params.vmid);

  const table: HandlerTable = {
    [`GET ${base}`]: (ctx) =>
      Object.values(ctx.state.data.guests)
        .filter((g) => g.type === type && g.node === ctx.params.node)
        .filter((g) => hasPrivs(ctx.state, ctx.id, `/vms/${g.vmid}`, ['VM.Audit']))
        .map((g) => guestStatus(ctx.state, g)),

    [`POST ${base}`]: (ctx) => {
      const vmid = int(ctx.args.vmid, 0);
      const pool = str(ctx.args.pool);
      requireAllocate(ctx, vmid, pool);
      const existing = ctx.state.guest(vmid);
      if (existing) throw fail(`unable to create ${L} ${vmid} - ${L} ${vmid} already exists on node '${existing.node}'`);
      const g: Guest = { vmid, type, node: ctx.params.node, status: 'stopped', config: {}, snapshots: {} };
      const config: Record<string, ConfigValue> = {};
      for (const [k, v] of Object.entries(ctx.args)) if (!NOT_CONFIG.has(k) && v !== undefined) config[k] = v as ConfigValue;
      if (type === 'qemu') {
        // What qm create writes itself; defaults such as memory stay implicit, as on Proxmox.
        config.meta ??= `creation-qemu=9.2.0,ctime=${now()}`;
        config.smbios1 ??= `uuid=${randomUUID()}`;
        if (config.vmgenid === undefined || config.vmgenid === '1') config.vmgenid = randomUUID();
      } else {
        config.hostname ??= `CT${vmid}`;
        config.arch ??= 'amd64';
        config.ostype ??= 'debian';
        config.memory ??= 512;
        config.rootfs ??= 'local-lvm:8';
      }
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
    },

    [`DELETE ${one}`]: (ctx) => {
      const g = get(ctx);
      if (g.status !== 'stopped') return startTask(ctx, g, 'destroy', { error: `${L} ${g.vmid} is running - destroy failed` });
      return startTask(ctx, g, 'destroy', { effects: [{ op: 'destroy', vmid: g.vmid }] });
    },

    [`GET ${one}/config`]: (ctx) => {
      const g = get(ctx);
      const snap = str(ctx.args.snapshot);
      const config = snap ? snapshotOf(g, snap).config : g.config;
      return { ...config, digest: configDigest(g.config) };
    },

    [`PUT ${one}/config`]: (ctx) => {
      applyEffects(ctx.state, [configChange(ctx, get(ctx)).change], now());
      ctx.changed();
      return null;
    },

    [`GET ${one}/pending`]: (ctx) =>
      Object.entries(get(ctx).config).map(([key, value]) => ({ key, value })),

    [`GET ${one}/status/current`]: (ctx) => {
      const g = get(ctx);
      const s = guestStatus(ctx.state, g);
      return type === 'qemu' ? { ...s, ha: { managed: 0 }, agent: g.config.agent ? 1 : 0 } : { ...s, ha: { managed: 0 } };
    },

    [`POST ${one}/clone`]: (ctx) => {
      const g = get(ctx);
      const newid = int(ctx.args.newid, 0);
      requireAllocate(ctx, newid, str(ctx.args.pool));
      if (ctx.state.guest(newid)) throw fail(`unable to create ${L} ${newid} - ${L} ${newid} already exists`);
      const target = str(ctx.args.target) ?? g.node;
      if (!ctx.state.data.nodes.includes(target)) throw badParams({ target: `no such cluster node '${target}'` });
      const config: Record<string, ConfigValue> = {};
      for (const [k, v] of Object.entries(g.config)) {
        if (k === 'template' || k === 'lock' || k === 'parent') continue;
        config[k] = typeof v === 'string' ? v.replace(new RegExp(`vm-${g.vmid}-disk-`, 'g'), `vm-${newid}-disk-`) : v;
      }
      // A clone gets new MAC addresses, as on Proxmox.
      for (const [k, v] of Object.entries(config)) {
        if (/^net\d+$/.test(k) && typeof v === 'string') config[k] = v.replace(/^(\w[\w-]*)=[0-9A-Fa-f:]{17}/, '$1').replace(/,hwaddr=[^,]+/, '');
      }
      assignMacs(type, config);
      const nameKey = type === 'qemu' ? 'name' : 'hostname';
      config[nameKey] = str(ctx.args[nameKey]) ?? str(ctx.args.name) ?? `Copy-of-${L}-${guestName(g)}`;
      if (ctx.args.description !== undefined) config.description = String(ctx.args.description);
      // The copy exists from the start (Proxmox writes its config first, locked), and goes if the clone fails.
      const copy: Guest = { vmid: newid, type, node: target, status: 'stopped', config, snapshots: {} };
      ctx.state.data.guests[String(newid)] = copy;
      const volids: string[] = [];
      for (const s of Object.values(ctx.state.data.storages)) {
        for (const [node, vols] of Object.entries(s.volumes)) {
          for (const v of vols.filter((x) => x.vmid === g.vmid && x.content === 'images')) {
            const volid = v.volid.replace(`vm-${g.vmid}-`, `vm-${newid}-`);
            (s.volumes[s.shared ? node : target] ??= []).push({ ...v, vmid: newid, volid });
            volids.push(volid);
          }
        }
      }
      const pool = str(ctx.args.pool);
      if (pool && ctx.state.data.pools[pool]) ctx.state.data.pools[pool].members.push(`${type}/${newid}`);
      return startTask(ctx, g, 'clone', { cleanup: [{ op: 'discard', vmid: newid, node: target, volids }] });
    },

    [`POST ${one}/template`]: (ctx) => {
      const g = get(ctx);
      if (g.status !== 'stopped') throw fail(`${L} ${g.vmid} is running`);
      if (type === 'qemu') return startTask(ctx, g, 'template', { effects: [{ op: 'template', vmid: g.vmid }] });
      g.config.template = 1; // a container becomes a template at once, without a task
      ctx.changed();
      return null;
    },

    [`GET ${one}/snapshot`]: (ctx) => {
      const g = get(ctx);
      const list: Array<Record<string, unknown>> = Object.values(g.snapshots).map((s) => ({
        name: s.name,
        description: s.description ?? '',
        snaptime: s.snaptime,
        ...(s.parent ? { parent: s.parent } : {}),
        ...(type === 'qemu' ? { vmstate: s.vmstate ?? 0 } : {}),
      }));
      const parent = currentParent(g);
      list.push({
        name: 'current',
        description: 'You are here!',
        digest: configDigest(g.config),
        ...(parent ? { parent } : {}),
        ...(type === 'qemu' ? { running: g.status === 'running' ? 1 : 0 } : {}),
      });
      return list;
    },

    [`POST ${one}/snapshot`]: (ctx) => {
      const g = get(ctx);
      const name = String(ctx.args.snapname);
      if (name === 'current') throw badParams({ snapname: "invalid snapshot name 'current'" });
      if (g.snapshots[name]) throw fail(`snapshot name '${name}' already used`);
      // Taken at once (Proxmox's snapshot_prepare); it becomes the current state's parent when the task commits it.
      g.snapshots[name] = {
        name,
        description: str(ctx.args.description),
        snaptime: now(),
        parent: currentParent(g),
        vmstate: bool(ctx.args.vmstate) ? 1 : 0,
        config: snapshotConfig(g.config),
      };
      return startTask(ctx, g, 'snapshot', {
        effects: [{ op: 'snapshot-commit', vmid: g.vmid, name }],
        cleanup: [{ op: 'snapshot-delete', vmid: g.vmid, name }],
      });
    },

    [`DELETE ${one}/snapshot/{snapname}`]: (ctx) => {
      const g = get(ctx);
      const s = snapshotOf(g, ctx.params.snapname);
      return startTask(ctx, g, 'delsnapshot', { effects: [{ op: 'snapshot-delete', vmid: g.vmid, name: s.name }] });
    },

    [`GET ${one}/snapshot/{snapname}`]: (ctx) => {
      snapshotOf(get(ctx), ctx.params.snapname);
      return [{ rel: 'child', href: 'config' }, { rel: 'child', href: 'rollback' }].map(({ href }) => ({ href }));
    },

    [`GET ${one}/snapshot/{snapname}/config`]: (ctx) => {
      const s = snapshotOf(get(ctx), ctx.params.snapname);
      return { ...s.config, ...(s.parent ? { parent: s.parent } : {}), ...(s.description ? { description: s.description } : {}), snaptime: s.snaptime };
    },

    [`PUT ${one}/snapshot/{snapname}/config`]: (ctx) => {
      const s = snapshotOf(get(ctx), ctx.params.snapname);
      if (ctx.args.description !== undefined) s.description = String(ctx.args.description);
      ctx.changed();
      return null;
    },

    [`POST ${one}/snapshot/{snapname}/rollback`]: (ctx) => {
      const g = get(ctx);
      const s = snapshotOf(g, ctx.params.snapname);
      return startTask(ctx, g, 'rollback', { effects: [{ op: 'rollback', vmid: g.vmid, name: s.name, start: bool(ctx.args.start) }] });
    },
  };

  table[`POST ${one}/migrate`] = (ctx) => {
    const g = get(ctx);
    const target = String(ctx.args.target);
    if (!ctx.state.data.nodes.includes(target)) throw badParams({ target: `no such cluster node '${target}'` });
    if (target === g.node) throw fail(`target is local node.`);
    if (g.status === 'running' && !bool(ctx.args.online) && !bool(ctx.args.restart)) {
      throw fail(type === 'qemu' ? `can't migrate running VM without --online` : `lxc live migration is currently not implemented - use 'restart' migration`);
    }
    return startTask(ctx, g, 'migrate', { type: type === 'qemu' ? 'qmigrate' : 'vzmigrate', effects: [{ op: 'migrate', vmid: g.vmid, target }] });
  };

  table[`PUT ${one}/resize`] = (ctx) => {
    const g = get(ctx);
    if (ctx.args.digest !== undefined && String(ctx.args.digest) !== configDigest(g.config)) {
      throw fail('detected modified configuration - file changed by other user? Try again.');
    }
    const disk = String(ctx.args.disk);
    const current = g.config[disk];
    if (typeof current !== 'string') throw fail(`disk '${disk}' does not exist`);
    const sizeOf = (text: string) => {
      const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
      return m ? Number(m[1]) * 1024 ** ('KMGT'.indexOf(m[2] || 'K') + 1) : NaN;
    };
    const oldBytes = sizeOf(/(?:^|,)size=([^,]+)/.exec(current)?.[1] ?? '0');
    const spec = String(ctx.args.size);
    const bytes = spec.startsWith('+') ? oldBytes + sizeOf(spec.slice(1)) : sizeOf(spec);
    if (Number.isNaN(bytes)) throw badParams({ size: `unable to parse size '${spec}'` });
    if (bytes < oldBytes) throw fail('shrinking disks is not supported');
    const gib = Math.round((bytes / 1024 ** 3) * 100) / 100;
    const value = /(?:^|,)size=/.test(current) ? current.replace(/size=[^,]+/, `size=${gib}G`) : `${current},size=${gib}G`;
    return startTask(ctx, g, 'resize', { effects: [{ op: 'resize', vmid: g.vmid, disk, value, volid: current.split(',')[0], bytes }] });
  };

  const actions = type === 'qemu' ? ['start', 'stop', 'shutdown', 'reboot', 'reset', 'suspend', 'resume'] : ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'];
  for (const action of actions) table[`POST ${one}/status/${action}`] = powerAction(type, action);
  if (type === 'qemu') {
    table[`POST ${one}/config`] = (ctx) => {
      const g = get(ctx);
      const { change, volids } = configChange(ctx, g);
      return startTask(ctx, g, 'config', { effects: [change], cleanup: [{ op: 'free', node: g.node, volids }] });
    };
  }
  return table;
}

/** `GET /cluster/nextid`: the lowest free id from 100, or the one asked for if free. */
export function nextId(state: MockState, wanted?: unknown): number {
  if (wanted !== undefined && wanted !== '') {
    const id = int(wanted, 0);
    if (state.guest(id)) throw new MockError(400, 'Parameter verification failed.', { vmid: `VM ${id} already exists` });
    return id;
  }
  let id = 100;
  while (state.guest(id)) id++;
  return id;
}

/**
 * A guest's power state and life: start, stop and the rest, destroy, make a template, migrate.
 * What Proxmox checks before it forks the worker (qemu-server PVE/API2/Qemu.pm, pve-container
 * PVE/API2/LXC/Status.pm and LXC.pm) is answered with HTTP 500 and no task; what its worker checks makes the task
 * fail. The two guest types differ: QEMU starts a running VM and checks in the worker, LXC refuses before it.
 */
import { badParams, fail } from '../mock-error';
import type { Guest, GuestType } from '../state';
import { type HandlerContext, bool } from './context';
import { type GuestTask, assertUnlocked, guestOf, isRunning, label, lockError, rootOnly, startTask } from './guest-common';
import { haManaged, haRequest } from './ha';

const power = (g: Guest, status: Guest['status'], restarted?: boolean): GuestTask => ({
  effects: [{ op: 'power', vmid: g.vmid, status, ...(restarted ? { restarted } : {}) }],
});

/** A VM suspended to disk runs again from its saved state and loses the lock `suspended`. */
const startSuspended = (g: Guest): GuestTask => ({
  effects: [...power(g, 'running', true).effects!, { op: 'config', vmid: g.vmid, set: {}, delete: ['lock'] }],
});

/** A check Proxmox makes before the fork: its message, or undefined when the action may go on. */
type PreCheck = (g: Guest, ctx: HandlerContext) => string | undefined;
/** What the worker does: the state the guest ends in, or the error the task ends with. */
type Work = (g: Guest, ctx: HandlerContext) => GuestTask;

interface PowerAction {
  before?: PreCheck;
  work: Work;
  /** The task type when it is not qm/vz + the action. */
  type?: (ctx: HandlerContext) => string;
  /** The worker checks the config lock (unless root's `skiplock`). */
  locked?: boolean;
}

const notRunning: PreCheck = (g) => (isRunning(g) ? undefined : `${label(g.type)} ${g.vmid} not running`);
const pausedNoShutdown: PreCheck = (g) => (g.status === 'paused' ? 'VM is paused - cannot shutdown' : undefined);
const both =
  (...checks: PreCheck[]): PreCheck =>
  (g, ctx) => {
    for (const c of checks) {
      const m = c(g, ctx);
      if (m) return m;
    }
    return undefined;
  };

const QEMU: Record<string, PowerAction> = {
  // qemu-server checks templates, the lock and "already running" inside vm_start, in the worker; a VM suspended
  // to disk (lock `suspended`) starts from its saved state.
  start: {
    work: (g, ctx) => {
      if (g.config.template) return { error: `you can't start a vm if it's a template` };
      const suspended = g.config.lock === 'suspended';
      const locked = suspended || bool(ctx.args.skiplock) ? undefined : lockError(g);
      if (locked) return { error: locked };
      if (isRunning(g)) return { error: `VM ${g.vmid} already running` };
      if (suspended) return startSuspended(g);
      return power(g, 'running', true);
    },
  },
  // vm_stop of a stopped VM has nothing to do and ends well.
  stop: { locked: true, work: (g) => power(g, 'stopped') },
  shutdown: {
    locked: true,
    before: (g, ctx) => (g.status === 'paused' && !bool(ctx.args.forceStop) ? 'VM is paused - cannot shutdown' : undefined),
    work: (g) => power(g, 'stopped'),
  },
  reboot: { before: both(pausedNoShutdown, notRunning), work: (g) => power(g, 'running', true) },
  reset: { locked: true, before: notRunning, work: (g) => power(g, 'running', true) },
  // To disk, the VM stops and keeps the lock `suspended` until it is resumed (started from its saved state).
  suspend: {
    locked: true,
    before: notRunning,
    work: (g, ctx) =>
      bool(ctx.args.todisk)
        ? { effects: [...power(g, 'stopped').effects!, { op: 'config', vmid: g.vmid, set: { lock: 'suspended' }, delete: [] }] }
        : power(g, 'paused'),
    type: (ctx) => (bool(ctx.args.todisk) ? 'qmsuspend' : 'qmpause'),
  },
  // Resuming a VM that runs is a no-op in vm_resume; one suspended to disk is started from its saved state.
  resume: {
    before: (g, ctx) => (g.config.lock === 'suspended' ? undefined : notRunning(g, ctx)),
    work: (g) => (g.config.lock === 'suspended' ? startSuspended(g) : power(g, 'running')),
  },
};

const LXC: Record<string, PowerAction> = {
  start: {
    locked: true,
    before: (g) => (isRunning(g) ? `CT ${g.vmid} already running` : undefined),
    work: (g) => (g.config.template ? { error: `you can't start a CT if it's a template` } : power(g, 'running', true)),
  },
  stop: { locked: true, before: notRunning, work: (g) => power(g, 'stopped') },
  shutdown: { locked: true, before: notRunning, work: (g) => power(g, 'stopped') },
  // pve-container words this one "VM", unlike its other checks.
  reboot: { before: (g) => (isRunning(g) ? undefined : `VM ${g.vmid} not running`), work: (g) => power(g, 'running', true) },
  // lxc-checkpoint -s dumps the container and stops it; resume restores it from the dump.
  suspend: { locked: true, before: notRunning, work: (g) => power(g, 'paused') },
  resume: {
    before: (g) => (isRunning(g) ? `CT ${g.vmid} already running` : undefined),
    work: (g) =>
      g.status === 'paused'
        ? power(g, 'running', true)
        : { error: `command 'lxc-checkpoint -n ${g.vmid} -r --foreground -D /var/lib/vz/dump' failed: exit code 1` },
  },
};

/** The power actions of a guest type: containers have no `reset`. */
export const powerActions = (type: GuestType): string[] => Object.keys(type === 'qemu' ? QEMU : LXC);

/** Start and stop of an HA-managed guest are requests to the HA manager, as `hastart`/`hastop` tasks. */
function haTask(ctx: HandlerContext, g: Guest, action: string): string | undefined {
  const sid = `${g.type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}`;
  if (!haManaged(ctx.state, sid)) return undefined;
  if (action === 'start') return startTask(ctx, g, 'start', { type: 'hastart', effects: haRequest(ctx.state, sid, 'started', g) });
  if (action === 'stop' || action === 'shutdown') return startTask(ctx, g, action, { type: 'hastop', effects: haRequest(ctx.state, sid, 'stopped', g) });
  return undefined;
}

/** `POST .../status/{action}`. */
export function powerAction(type: GuestType, action: string, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const a = (type === 'qemu' ? QEMU : LXC)[action];
  rootOnly(ctx, 'skiplock', 'keepActive', 'migratedfrom', 'stateuri', 'nocheck');
  const refused = a.before?.(g, ctx);
  if (refused) throw fail(refused);
  const viaHa = haTask(ctx, g, action);
  if (viaHa) return viaHa;
  const locked = a.locked && !bool(ctx.args.skiplock) ? lockError(g) : undefined;
  const work = locked ? { error: locked } : a.work(g, ctx);
  return startTask(ctx, g, action, { ...work, ...(a.type ? { type: a.type(ctx) } : {}) });
}

/** `DELETE /nodes/{node}/{type}/{vmid}`. */
export function destroyGuest(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const L = label(type);
  rootOnly(ctx, 'skiplock');
  if (g.config.protection) throw fail(`can't remove ${L} ${g.vmid} - protection mode enabled`);
  // pve-container checks the lock before the fork, qemu-server in destroy_vm, in the worker.
  if (type === 'lxc') assertUnlocked(g);
  const sid = `${type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}`;
  const ha = haManaged(ctx.state, sid);
  if (ha && !bool(ctx.args.purge)) throw fail(`unable to remove ${L} ${g.vmid} - used in HA resources and purge parameter not set.`);
  if (type === 'qemu' && isRunning(g)) throw fail(`VM ${g.vmid} is running - destroy failed`);
  if (type === 'lxc' && isRunning(g) && !bool(ctx.args.force)) throw fail(`unable to destroy CT ${g.vmid} - container is running`);
  const locked = type === 'qemu' && !bool(ctx.args.skiplock) ? lockError(g) : undefined;
  if (locked) return startTask(ctx, g, 'destroy', { error: locked });
  return startTask(ctx, g, 'destroy', { effects: [{ op: 'destroy', vmid: g.vmid }], lock: 'destroyed' });
}

/** The checks both guest types make before converting to a template, in Proxmox's order. */
function templateCheck(g: Guest): void {
  assertUnlocked(g);
  const what = g.type === 'qemu' ? 'VM' : 'CT';
  if (Object.keys(g.snapshots).length) throw fail(`unable to create template, because ${what} contains snapshots`);
  if (g.config.template) throw fail(`you can't convert a template to a template`);
  if (isRunning(g)) throw fail(g.type === 'qemu' ? `you can't convert a VM to template if VM is running` : `you can't convert a CT to template if the CT is running`);
}

/** `POST .../template`: a VM answers with its task's UPID; a container's task runs too, but the call returns null. */
export function makeTemplate(type: GuestType, ctx: HandlerContext): string | null {
  const g = guestOf(type, ctx);
  if (type === 'qemu' && ctx.args.disk !== undefined) assertUnlocked(g);
  else templateCheck(g);
  const upid = startTask(ctx, g, 'template', { effects: [{ op: 'template', vmid: g.vmid }] });
  return type === 'qemu' ? upid : null;
}

/** `POST .../migrate`: the target must be another cluster node; a running guest moves only online (VM) or by restart (CT). */
export function migrateGuest(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const target = String(ctx.args.target);
  if (target === g.node) throw badParams({ target: 'target is local node.' });
  if (!ctx.state.data.nodes.includes(target)) throw fail(`no such cluster node '${target}'`);
  if (type === 'qemu') rootOnly(ctx, 'force', 'migration_type', 'migration_network');
  if (type === 'qemu') assertUnlocked(g);
  if (isRunning(g) && !bool(ctx.args.online) && (type === 'qemu' || !bool(ctx.args.restart))) {
    throw fail(type === 'qemu' ? `can't migrate running VM without --online` : `can't migrate running container without --online or --restart`);
  }
  const sid = `${type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}`;
  if (haManaged(ctx.state, sid)) {
    return startTask(ctx, g, 'migrate', { type: 'hamigrate', effects: [{ op: 'migrate', vmid: g.vmid, target }] });
  }
  // pve-container checks the lock in the migration's prepare step, in the worker.
  const locked = type === 'lxc' ? lockError(g) : undefined;
  if (locked) return startTask(ctx, g, 'migrate', { type: 'vzmigrate', error: locked });
  return startTask(ctx, g, 'migrate', {
    type: type === 'qemu' ? 'qmigrate' : 'vzmigrate',
    effects: [{ op: 'migrate', vmid: g.vmid, target }],
    lock: 'migrate',
  });
}

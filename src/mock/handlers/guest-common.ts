/**
 * What every guest operation shares: finding the guest a path names, its status, its config digest, and starting
 * a task on it whose effects apply only when it ends well. Magic guest names steer the task outcome for tests:
 * `fail-task` → the task fails, `warn-task` → it ends `WARNINGS: 2`, `long-log` → a 10,000-line log.
 */
import { createHash } from 'node:crypto';
import { hasPrivs, requirePrivs } from '../acl';
import { MockError, badParams, fail } from '../mock-error';
import type { Effect } from '../effects';
import type { Guest, GuestType, MockState } from '../state';
import { type TaskPlan, isError } from '../tasks';
import { type HandlerContext, bool, int, now } from './context';

export const label = (type: GuestType) => (type === 'qemu' ? 'VM' : 'CT');
const confFile = (type: GuestType, node: string, vmid: string | number) =>
  `nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf`;

/** The guest a `/nodes/{node}/{qemu|lxc}/{vmid}...` path names, or Proxmox's "does not exist" error. */
export function guestAt(state: MockState, type: GuestType, node: string, vmid: string): Guest {
  const g = state.guest(vmid);
  if (!g || g.type !== type || g.node !== node) throw fail(`Configuration file '${confFile(type, node, vmid)}' does not exist`);
  return g;
}

/** The guest of the request's path. */
export const guestOf = (type: GuestType, ctx: HandlerContext): Guest => guestAt(ctx.state, type, ctx.params.node, ctx.params.vmid);

/** A SHA-1 over a config, for `digest` checks against concurrent changes. */
export function configDigest(config: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(Object.entries(config).sort())).digest('hex');
}

/** A `digest` sent with a change must be the config's current one. */
export function checkDigest(ctx: HandlerContext, g: Guest): void {
  if (ctx.args.digest !== undefined && String(ctx.args.digest) !== configDigest(g.config)) {
    throw fail('detected modified configuration - file changed by other user? Try again.');
  }
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

/**
 * Running as Proxmox's check_running sees it: a paused VM still runs; a suspended container was checkpointed by
 * `lxc-checkpoint -s`, which stops it.
 */
export const isRunning = (g: Guest): boolean => g.status === 'running' || (g.status === 'paused' && g.type === 'qemu');

/** What PVE::AbstractConfig::check_lock dies with when the guest's config carries a lock. */
export function lockError(g: Guest): string | undefined {
  return g.config.lock === undefined ? undefined : `${label(g.type)} is locked (${g.config.lock})`;
}

/** check_lock before the fork: a locked guest is refused with HTTP 500. */
export function assertUnlocked(g: Guest): void {
  const error = lockError(g);
  if (error) throw fail(error);
}

/** Options only root@pam may set (a token of root is another user to Proxmox): raise_param_exc as the handlers do. */
export function rootOnly(ctx: HandlerContext, ...names: string[]): void {
  if ((ctx.id.tokenid ?? ctx.id.userid) === 'root@pam') return;
  const used = names.filter((n) => bool(ctx.args[n]));
  if (used.length) throw badParams(Object.fromEntries(used.map((n) => [n, 'Only root may use this option.'])));
}

export interface GuestTask {
  /** What the task changes when it ends well. */
  effects?: Effect[];
  /** What undoes the changes made when it started, should it fail or be stopped. */
  cleanup?: Effect[];
  /** The error the task ends with, whatever the guest's name. */
  error?: string;
  /** The task type when it is not qm/vz + the action. */
  type?: string;
  /** The config lock the guest holds while the task runs (`snapshot`, `migrate`, ...), released when it ends. */
  lock?: string;
}

/** Start a task on a guest: its effects apply only when it ends well (a magic name may make it fail). */
export function startTask(ctx: HandlerContext, g: Guest, action: string, task: GuestTask = {}): string {
  const outcome = { ...magic(g), ...(task.error ? { exitstatus: task.error } : {}) };
  const cleanup = [...(task.cleanup ?? [])];
  const fails = outcome.exitstatus !== undefined && isError(outcome.exitstatus);
  const effects = [...(task.effects ?? [])];
  if (task.lock && !fails) {
    g.config.lock = task.lock;
    const unlock: Effect = { op: 'unlock', vmid: g.vmid, lock: task.lock };
    effects.push(unlock);
    cleanup.push(unlock);
  }
  return ctx.task({
    node: g.node,
    type: task.type ?? `${g.type === 'qemu' ? 'qm' : 'vz'}${action}`,
    id: String(g.vmid),
    ...outcome,
    effects: { end: fails ? cleanup : effects, stop: cleanup },
  });
}

/** VM.Allocate on the target pool will do, else on the new guest's path (RPCEnvironment::check_vm_perm). */
export function requireAllocate(ctx: HandlerContext, vmid: number, pool: string | undefined): void {
  if (pool && !ctx.state.data.pools[pool]) throw new MockError(403, `Permission check failed (pool '${pool}' does not exist)`);
  if (pool && hasPrivs(ctx.state, ctx.id, `/pool/${pool}`, ['VM.Allocate'])) return;
  requirePrivs(ctx.state, ctx.id, `/vms/${vmid}`, ['VM.Allocate']);
}

export function guestStatus(state: MockState, g: Guest): Record<string, unknown> {
  const running = isRunning(g);
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
    out.qmpstatus = g.status;
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

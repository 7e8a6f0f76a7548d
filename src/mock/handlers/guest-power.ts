/** A guest's power state and life: start, stop and the rest, destroy, make a template, migrate. */
import { badParams, fail } from '../mock-error';
import type { Guest, GuestType } from '../state';
import { type HandlerContext, bool } from './context';
import { type GuestTask, guestOf, label, startTask } from './guest-common';

const power = (g: Guest, status: Guest['status'], restarted?: boolean): GuestTask => ({
  effects: [{ op: 'power', vmid: g.vmid, status, ...(restarted ? { restarted } : {}) }],
});

const notRunning = (g: Guest): GuestTask => ({ error: `${label(g.type)} ${g.vmid} not running` });

/** What each power action does to a guest in its current state (an error, or the state it ends in). */
const POWER_ACTIONS: Record<string, (g: Guest) => GuestTask> = {
  start: (g) => {
    const L = label(g.type);
    if (g.status === 'running') return { error: `${L} ${g.vmid} already running` };
    if (g.config.template) return { error: `you can't start a ${L === 'VM' ? 'vm' : 'container'} if it's a template` };
    return power(g, 'running', true);
  },
  stop: (g) => power(g, 'stopped'),
  shutdown: (g) => (g.status === 'stopped' ? notRunning(g) : power(g, 'stopped')),
  reboot: (g) => (g.status !== 'running' ? notRunning(g) : power(g, 'running', true)),
  reset: (g) => (g.status !== 'running' ? notRunning(g) : power(g, 'running', true)),
  suspend: (g) => (g.status !== 'running' ? notRunning(g) : power(g, 'paused')),
  resume: (g) => (g.status === 'stopped' ? notRunning(g) : power(g, 'running')),
};

/** The power actions of a guest type: containers have no `reset`. */
export const powerActions = (type: GuestType): string[] => Object.keys(POWER_ACTIONS).filter((a) => type === 'qemu' || a !== 'reset');

/** `POST .../status/{action}`. */
export function powerAction(type: GuestType, action: string, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  return startTask(ctx, g, action, POWER_ACTIONS[action](g));
}

/** `DELETE /nodes/{node}/{type}/{vmid}`: only a stopped guest. */
export function destroyGuest(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  if (g.status !== 'stopped') return startTask(ctx, g, 'destroy', { error: `${label(type)} ${g.vmid} is running - destroy failed` });
  return startTask(ctx, g, 'destroy', { effects: [{ op: 'destroy', vmid: g.vmid }] });
}

/** `POST .../template`: a VM becomes one through a task, a container at once. */
export function makeTemplate(type: GuestType, ctx: HandlerContext): string | null {
  const g = guestOf(type, ctx);
  if (g.status !== 'stopped') throw fail(`${label(type)} ${g.vmid} is running`);
  if (type === 'qemu') return startTask(ctx, g, 'template', { effects: [{ op: 'template', vmid: g.vmid }] });
  g.config.template = 1;
  ctx.changed();
  return null;
}

/** `POST .../migrate`: a running guest only online (VM) or by restart (CT). */
export function migrateGuest(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const target = String(ctx.args.target);
  if (!ctx.state.data.nodes.includes(target)) throw badParams({ target: `no such cluster node '${target}'` });
  if (target === g.node) throw fail(`target is local node.`);
  if (g.status === 'running' && !bool(ctx.args.online) && !bool(ctx.args.restart)) {
    throw fail(type === 'qemu' ? `can't migrate running VM without --online` : `lxc live migration is currently not implemented - use 'restart' migration`);
  }
  return startTask(ctx, g, 'migrate', { type: type === 'qemu' ? 'qmigrate' : 'vzmigrate', effects: [{ op: 'migrate', vmid: g.vmid, target }] });
}

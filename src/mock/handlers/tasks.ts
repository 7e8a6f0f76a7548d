/**
 * Task lists, status, logs and stop, as pve-manager's PVE::API2::Tasks answers them: a caller sees their own
 * tasks (a user also those of their tokens), and everyone's only with Sys.Audit on the node (on `/` for the
 * cluster-wide list); the node list shows finished tasks unless `source` asks for running ones.
 */
import { MockFile } from '../file-reply';
import { badParams } from '../mock-error';
import { hasPrivs, requirePrivs } from '../acl';
import type { TaskRecord } from '../state';
import { Tasks, isError, splitTaskUser } from '../tasks';
import { type HandlerContext, type HandlerTable, bool, int } from './context';

/** The caller as Proxmox names them in a permission check: the full token id for a token. */
const caller = (ctx: HandlerContext) => ctx.id.tokenid ?? ctx.id.userid;

/** A token sees the tasks it started; a user those they and their tokens started. */
function owns(ctx: HandlerContext, t: TaskRecord): boolean {
  const { user } = splitTaskUser(t.user);
  const me = caller(ctx);
  return me === t.user || me === user;
}

/** `ok`, `warning`, `error` or `unknown` (running), the classes `statusfilter` names. */
function statusClass(t: TaskRecord): string {
  if (Tasks.running(t)) return 'unknown';
  if (t.exitstatus === 'OK') return 'ok';
  return isError(t.exitstatus) ? 'error' : 'warning';
}

function listed(ctx: HandlerContext, t: TaskRecord, auditor: boolean): boolean {
  const a = ctx.args;
  const running = Tasks.running(t);
  const source = String(a.source ?? 'archive');
  if (source === 'archive' && running) return false;
  if (source === 'active' && !running) return false;
  if (a.userfilter !== undefined && !splitTaskUser(t.user).user.toLowerCase().includes(String(a.userfilter).toLowerCase())) return false;
  if (!auditor && !owns(ctx, t)) return false;
  if (a.typefilter !== undefined && t.type !== String(a.typefilter)) return false;
  if (a.vmid !== undefined && t.id !== String(a.vmid)) return false;
  if (a.since !== undefined && t.starttime < int(a.since, 0)) return false;
  if (a.until !== undefined && t.starttime > int(a.until, 0)) return false;
  const wanted = bool(a.errors)
    ? ['warning', 'error', 'unknown']
    : a.statusfilter !== undefined
      ? String(a.statusfilter).toLowerCase().split(/[,;\s]+/)
      : undefined;
  return !wanted || wanted.includes(statusClass(t));
}

/** The task a `/nodes/{node}/tasks/{upid}` path names, if the caller owns it or has `priv` on the node. */
function task(ctx: HandlerContext, priv: string): TaskRecord {
  const upid = ctx.params.upid;
  if (!/^UPID:([^:]+):/.test(upid)) throw badParams({ upid: 'unable to parse worker upid' });
  const t = ctx.tasks.find(upid);
  if (!t || t.node !== ctx.params.node) throw badParams({ upid: 'no such task' });
  if (!owns(ctx, t)) requirePrivs(ctx.state, ctx.id, `/nodes/${ctx.params.node}`, [priv]);
  return t;
}

export const taskHandlers: HandlerTable = {
  'GET /cluster/tasks': (ctx) => {
    const all = hasPrivs(ctx.state, ctx.id, '/', ['Sys.Audit']);
    return ctx.state.data.tasks
      .filter((t) => all || splitTaskUser(t.user).user === caller(ctx))
      .reverse()
      .map((t) => ctx.tasks.row(t));
  },

  'GET /nodes/{node}/tasks': (ctx) => {
    const start = int(ctx.args.start, 0);
    const limit = int(ctx.args.limit, 50);
    const auditor = hasPrivs(ctx.state, ctx.id, `/nodes/${ctx.params.node}`, ['Sys.Audit']);
    const matching = ctx.state.data.tasks.filter((t) => t.node === ctx.params.node && listed(ctx, t, auditor)).reverse();
    ctx.extra = { total: matching.length };
    return matching.slice(start, start + limit).map((t) => ({ ...ctx.tasks.row(t), ...(Tasks.running(t) ? { status: 'RUNNING' } : {}) }));
  },

  'GET /nodes/{node}/tasks/{upid}': () => [{ name: 'log' }, { name: 'status' }],

  'GET /nodes/{node}/tasks/{upid}/status': (ctx) => ctx.tasks.status(task(ctx, 'Sys.Audit')),

  'GET /nodes/{node}/tasks/{upid}/log': (ctx) => {
    // `download`: the whole log as a text file, as pve-manager sends it.
    if (bool(ctx.args.download)) {
      const { lines } = ctx.tasks.log(task(ctx, 'Sys.Audit'), 0, Number.MAX_SAFE_INTEGER);
      return new MockFile(Buffer.from(lines.map((l) => `${l.t}\n`).join('')), 'text/plain', `${ctx.params.upid.replace(/:/g, '_')}.log`);
    }
    const { lines, total } = ctx.tasks.log(task(ctx, 'Sys.Audit'), int(ctx.args.start, 0), int(ctx.args.limit, 50));
    ctx.extra = { total };
    return lines;
  },

  'DELETE /nodes/{node}/tasks/{upid}': (ctx) => {
    if (ctx.tasks.stop(task(ctx, 'Sys.Modify'))) ctx.changed();
    return null;
  },
};

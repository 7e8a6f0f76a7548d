/**
 * Task lists, status, logs and stop, as pve-manager's PVE::API2::Tasks answers them: a caller sees their own
 * tasks (a user also those of their tokens), and everyone's only with Sys.Audit on the node (on `/` for the
 * cluster-wide list); the node list shows finished tasks unless `source` asks for running ones.
 */
import { MockFile } from '../file-reply';
import { badParams, fail } from '../mock-error';
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

/** PVE's layout; Backup Server and Datacenter Manager (the mock's product modes) add a task counter before starttime. */
const UPID = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):(?:[0-9A-Fa-f]{8,16}:)?([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;

/**
 * The task a `/nodes/{node}/tasks/{upid}` path names, or undefined when its log file does not exist on the node;
 * the caller must own it (by the UPID's user) or have `priv` on the node.
 */
function lookup(ctx: HandlerContext, priv: string): TaskRecord | undefined {
  const upid = ctx.params.upid;
  const m = UPID.exec(upid);
  if (!m) throw badParams({ upid: 'unable to parse worker upid' });
  const user = m[8];
  const me = caller(ctx);
  if (me !== user && me !== splitTaskUser(user).user) requirePrivs(ctx.state, ctx.id, `/nodes/${ctx.params.node}`, [priv]);
  const t = ctx.tasks.find(upid);
  return t && t.node === ctx.params.node ? t : undefined;
}

/** A task that must exist: `no such task` otherwise (status, stop). */
function task(ctx: HandlerContext, priv: string): TaskRecord {
  const t = lookup(ctx, priv);
  if (!t) throw badParams({ upid: 'no such task' });
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
    const t = lookup(ctx, 'Sys.Audit');
    // `download`: the whole log as a text file, named as pve-manager names it.
    if (bool(ctx.args.download)) {
      if (ctx.args.start !== undefined || ctx.args.limit !== undefined) throw fail("'download' cannot be used together with 'start' or 'limit' parameters");
      if (!t) throw fail(`Could not open file '/var/log/pve/tasks/${ctx.params.upid}' - No such file or directory`);
      const { lines } = ctx.tasks.log(t, 0, Number.MAX_SAFE_INTEGER);
      const time = new Date(t.starttime * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      return new MockFile(Buffer.from(lines.map((l) => `${l.t}\n`).join('')), 'text/plain', `task-${t.node}-${t.type}-${time}.log`);
    }
    // A log file that does not exist is read as one line saying so (PVE::Tools::dump_logfile).
    if (!t) {
      ctx.extra = { total: 1 };
      return [{ n: 1, t: 'unable to open file - No such file or directory' }];
    }
    const { lines, total } = ctx.tasks.log(t, int(ctx.args.start, 0), int(ctx.args.limit, 50));
    ctx.extra = { total };
    return lines;
  },

  'DELETE /nodes/{node}/tasks/{upid}': (ctx) => {
    if (ctx.tasks.stop(task(ctx, 'Sys.Modify'))) ctx.changed();
    return null;
  },
};

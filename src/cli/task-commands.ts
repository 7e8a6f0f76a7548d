import { UsageError } from '../errors';
import { withDefaultShape } from '../output/shape';
import { MalformedUpid, parseUpid, taskPath, type Upid } from '../tasks/upid';
import { followTask, readLogPages, readStatus } from '../tasks/wait';
import type { GlobalOptions } from './globals';
import { openConnection } from './connection';
import type { ApiClient } from '../http';
import { printResult } from './context';
import { terminalSafe, writeOut } from './io';
import { taskExitCode, waitErrorForCli } from './task-outcome';
import { waitForTasks } from './task-wait';

export interface TaskListOptions {
  node?: string;
  running?: boolean;
  errors?: boolean;
  limit?: number;
  since?: string;
}

/** '1700000000', '2026-11-25', '2026-11-25T10:00:00Z', or relative '90s', '30m', '2h', '7d' → epoch seconds. */
export function parseSince(text: string, now = Date.now()): number {
  if (/^\d{9,11}$/.test(text)) return Number(text);
  const rel = /^(\d+)\s*([smhd])$/.exec(text);
  if (rel) return Math.floor(now / 1000) - Number(rel[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as 's']!;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--since: '${text}' is not a time`, 'use epoch seconds, an ISO date, or 30m / 2h / 7d');
  return Math.floor(t / 1000);
}

export async function taskList(globals: GlobalOptions, opts: TaskListOptions): Promise<number> {
  const since = opts.since ? parseSince(opts.since) : undefined;
  return withServer(globals, async (client) => {
    const source = taskListSource(client, globals, opts, since);
    printResult(await source.fetch(), source.globals, undefined, source.label);
    return 0;
  });
}

/** `task list --watch [SECONDS]`: the list refreshed until Ctrl-C. */
export async function watchTaskList(globals: GlobalOptions, opts: TaskListOptions, seconds: number): Promise<number> {
  const since = opts.since ? parseSince(opts.since) : undefined;
  const { watch } = require('./watch') as typeof import('./watch');
  return withServer(globals, (client) => watch(taskListSource(client, globals, opts, since), seconds));
}

/** The request behind `task list`, its filters and its default columns, newest first. */
function taskListSource(client: ApiClient, globals: GlobalOptions, opts: TaskListOptions, since: number | undefined) {
  return {
    label: opts.node ? `GET /nodes/${opts.node}/tasks` : 'GET /cluster/tasks',
    globals: withDefaultShape(globals, { fields: ['upid', 'node', 'type', 'id', 'user', 'starttime', 'endtime', 'status'], keepOrder: true }),
    async fetch(signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
      let rows: Array<Record<string, unknown>>;
      if (opts.node) {
        const params: Record<string, string> = {};
        if (opts.errors) params.errors = '1';
        // The node's default is finished tasks only (source=archive); `task list` shows running ones too, like /cluster/tasks.
        params.source = opts.running ? 'active' : 'all';
        if (opts.limit) params.limit = String(opts.limit);
        if (since !== undefined) params.since = String(since);
        rows = await client.request({ method: 'GET', path: `/nodes/${opts.node}/tasks`, params, signal });
      } else {
        rows = await client.request({ method: 'GET', path: '/cluster/tasks', signal });
      }
      rows = (rows ?? []).filter((t) => {
        if (opts.running && t.endtime) return false;
        if (opts.errors && (!t.status || t.status === 'OK' || t.status === 'running')) return false;
        if (since !== undefined && Number(t.starttime ?? 0) < since) return false;
        return true;
      });
      rows.sort((a, b) => Number(b.starttime ?? 0) - Number(a.starttime ?? 0));
      return opts.limit ? rows.slice(0, opts.limit) : rows;
    },
  };
}

export async function taskStatus(globals: GlobalOptions, upidText: string): Promise<number> {
  const upid = upidArgument(upidText);
  return withServer(globals, async (client) => {
    const status = await readStatus(client, upid);
    printResult({ ...status }, globals, undefined, `GET /nodes/${upid.node}/tasks/${upid.upid}/status`);
    return taskExitCode(status);
  });
}

/** The log is this command's result, so it goes to stdout. */
export async function taskLog(globals: GlobalOptions, upidText: string, follow: boolean): Promise<number> {
  const upid = upidArgument(upidText);
  return withServer(globals, async (client) => {
    if (follow) {
      const status = await followTask(client, upid.upid, { waitTimeout: globals.waitTimeout, onLog: (line) => writeOut(terminalSafe(1, line) + '\n') }).catch(
        (err: unknown) => {
          throw waitErrorForCli(err);
        },
      );
      return taskExitCode(status);
    }
    await readLogPages(client, upid, (lines) => writeOut(lines.map((line) => terminalSafe(1, line) + '\n').join('')));
    return 0;
  });
}

/** `task wait UPID…`: the UPIDs are checked before anything is sent. */
export async function taskWait(globals: GlobalOptions, upids: string[]): Promise<number> {
  if (upids.length === 0) throw new UsageError('task wait needs at least one UPID');
  upids.forEach(upidArgument);
  return withServer(globals, (client) => waitForTasks(client, upids, globals));
}

export async function taskStop(globals: GlobalOptions, upidText: string): Promise<number> {
  const upid = upidArgument(upidText);
  return withServer(globals, async (client) => {
    await client.request({ method: 'DELETE', path: taskPath(upid, '') });
    if (!globals.quiet) writeOut(`stop requested for ${upid.upid}\n`);
    return 0;
  });
}

/** A UPID typed by the user: a malformed one is a usage error, and nothing is sent. */
export function upidArgument(text: string): Upid {
  try {
    return parseUpid(text);
  } catch (err) {
    if (err instanceof MalformedUpid) throw new UsageError(err.message, 'a UPID looks like UPID:pve:000A1B2C:0001E240:6751A3F0:qmstart:100:root@pam:');
    throw err;
  }
}

/** Every task command talks to the server; the connection is closed however the command ends. */
async function withServer(globals: GlobalOptions, run: (client: ApiClient) => Promise<number>): Promise<number> {
  const conn = await openConnection(globals, { needServer: true });
  try {
    return await run(conn.client());
  } finally {
    await conn.close();
  }
}

import { UsageError } from '../errors';
import type { GlobalOptions } from '../cli/globals';
import { openConnection } from '../cli/connection';
import { printResult } from '../cli/context';
import { withDefaultShape } from '../output/shape';
import { writeOut } from '../cli/io';
import { parseUpid, taskPath } from './upid';
import { followTask, readStatus, taskExitCode } from './wait';
import { waitForTasks } from './index';

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
  const conn = await openConnection(globals, { needServer: true });
  try {
    let rows: Array<Record<string, unknown>>;
    if (opts.node) {
      const params: Record<string, string> = {};
      if (opts.errors) params.errors = '1';
      // The node's default is finished tasks only (source=archive); `task list` shows running ones too, like /cluster/tasks.
      params.source = opts.running ? 'active' : 'all';
      if (opts.limit) params.limit = String(opts.limit);
      if (since !== undefined) params.since = String(since);
      rows = await conn.client().request({ method: 'GET', path: `/nodes/${opts.node}/tasks`, params });
    } else {
      rows = await conn.client().request({ method: 'GET', path: '/cluster/tasks' });
    }
    rows = (rows ?? []).filter((t) => {
      if (opts.running && t.endtime) return false;
      if (opts.errors && (!t.status || t.status === 'OK' || t.status === 'running')) return false;
      if (since !== undefined && Number(t.starttime ?? 0) < since) return false;
      return true;
    });
    rows.sort((a, b) => Number(b.starttime ?? 0) - Number(a.starttime ?? 0));
    if (opts.limit) rows = rows.slice(0, opts.limit);
    printResult(rows, withDefaultShape(globals, { fields: ['upid', 'node', 'type', 'id', 'user', 'starttime', 'endtime', 'status'] }));
    return 0;
  } finally {
    await conn.close();
  }
}

export async function taskStatus(globals: GlobalOptions, upidText: string): Promise<number> {
  const upid = parseUpid(upidText);
  const conn = await openConnection(globals, { needServer: true });
  try {
    const status = await readStatus(conn.client(), upid);
    printResult({ ...status }, globals);
    return taskExitCode(status);
  } finally {
    await conn.close();
  }
}

/** The log is this command's result, so it goes to stdout. */
export async function taskLog(globals: GlobalOptions, upidText: string, follow: boolean): Promise<number> {
  const upid = parseUpid(upidText);
  const conn = await openConnection(globals, { needServer: true });
  try {
    if (follow) {
      const status = await followTask(conn.client(), upid.upid, { waitTimeout: globals.waitTimeout, onLog: (line) => writeOut(line + '\n') });
      return taskExitCode(status);
    }
    // Each page is written as it comes: the log is never held whole.
    for (let start = 0; ; ) {
      const page = await conn.client().request<Array<{ n: number; t: string }>>({
        method: 'GET',
        path: taskPath(upid, 'log'),
        params: { start: String(start), limit: '1000' },
      });
      writeOut((page ?? []).map((e) => e.t + '\n').join(''));
      if (!page || page.length < 1000) break;
      start += page.length;
    }
    return 0;
  } finally {
    await conn.close();
  }
}

/** `task wait UPID…`: the UPIDs are checked before anything is sent. */
export async function taskWait(globals: GlobalOptions, upids: string[]): Promise<number> {
  if (upids.length === 0) throw new UsageError('task wait needs at least one UPID');
  upids.forEach(parseUpid);
  const conn = await openConnection(globals, { needServer: true });
  try {
    return await waitForTasks(conn.client(), upids, globals);
  } finally {
    await conn.close();
  }
}

export async function taskStop(globals: GlobalOptions, upidText: string): Promise<number> {
  const upid = parseUpid(upidText);
  const conn = await openConnection(globals, { needServer: true });
  try {
    await conn.client().request({ method: 'DELETE', path: taskPath(upid, '') });
    if (!globals.quiet) writeOut(`stop requested for ${upid.upid}\n`);
    return 0;
  } finally {
    await conn.close();
  }
}

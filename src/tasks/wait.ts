import type { ApiClient } from '../http';
import { parseUpid, taskPath, type Upid } from './upid';

export interface TaskStatus {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped' | string;
  exitstatus?: string;
  starttime?: number;
  endtime?: number;
  pid?: number;
  [k: string]: unknown;
}

export interface FollowOptions {
  /** seconds; undefined waits for ever */
  waitTimeout?: number;
  /** Each new log line, in order, exactly once. */
  onLog?: (line: string) => void;
  /** Called on every poll with the seconds elapsed (progress line on a TTY). */
  onTick?: (elapsed: number) => void;
  /** Abort the wait (Ctrl-C); the task itself goes on. */
  signal?: AbortSignal;
  /** Only read the status (no log). */
  noLog?: boolean;
  /** Page size of log reads. */
  pageSize?: number;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;
const LOG_PAGE = 1000;

/** The wait ran out (`waitTimeout`); the task itself goes on. */
export class TaskWaitTimeout extends Error {
  constructor(readonly upid: string, readonly seconds: number) {
    super(`still waiting for task after ${seconds} s; the task goes on on the server`);
    this.name = 'TaskWaitTimeout';
  }
}

/** The wait was aborted through its signal; the task itself goes on. */
export class TaskWaitInterrupted extends Error {
  constructor(readonly upid: string) {
    super('interrupted; the task goes on on the server');
    this.name = 'TaskWaitInterrupted';
  }
}

/**
 * Poll a task until it stops, streaming its log incrementally (start/limit), with back-off from 100 ms to 2 s.
 * Transfer grows with the log's length, not quadratically: each line is fetched once.
 */
export async function followTask(client: ApiClient, upidText: string, opts: FollowOptions = {}): Promise<TaskStatus> {
  const upid = parseUpid(upidText);
  const started = Date.now();
  const deadline = opts.waitTimeout !== undefined ? started + opts.waitTimeout * 1000 : undefined;
  let delay = FIRST_DELAY_MS;
  let lastLine = 0;
  const readLog = async () => {
    if (opts.noLog) return;
    lastLine = await readLogPages(client, upid, (lines) => lines.forEach((line) => opts.onLog?.(line)), {
      after: lastLine,
      pageSize: opts.pageSize,
      signal: opts.signal,
    });
  };
  for (;;) {
    if (opts.signal?.aborted) throw new TaskWaitInterrupted(upid.upid);
    const status = await readStatus(client, upid, opts.signal);
    await readLog();
    if (status.status !== 'running') return status;
    opts.onTick?.((Date.now() - started) / 1000);
    if (deadline !== undefined && Date.now() + delay > deadline) {
      const left = deadline - Date.now();
      if (left <= 0) throw new TaskWaitTimeout(upid.upid, opts.waitTimeout!);
      await sleep(left, opts.signal, upid.upid);
      continue;
    }
    await sleep(delay, opts.signal, upid.upid);
    delay = Math.min(MAX_DELAY_MS, Math.round(delay * 1.5));
  }
}

/**
 * Read a task's log after line `after` (line numbers are 1-based, so 0 reads it all) page by page, handing each
 * page's new lines over as it comes, so a log is never held whole; returns the number of the last line read.
 */
export async function readLogPages(
  client: ApiClient,
  upid: Upid,
  onPage: (lines: string[]) => void,
  opts: { after?: number; pageSize?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const pageSize = opts.pageSize ?? LOG_PAGE;
  let last = opts.after ?? 0;
  for (;;) {
    const page = (await client.request<Array<{ n: number; t: string }>>({
      method: 'GET',
      path: taskPath(upid, 'log'),
      params: { start: String(last), limit: String(pageSize) },
      signal: opts.signal,
    })) ?? [];
    const lines: string[] = [];
    for (const entry of page) {
      // A line is only reported once even if pages overlap.
      if (entry.n > last) {
        last = entry.n;
        lines.push(entry.t);
      }
    }
    onPage(lines);
    if (page.length < pageSize) return last;
  }
}

export async function readStatus(client: ApiClient, upid: Upid, signal?: AbortSignal): Promise<TaskStatus> {
  const s = await client.request<Record<string, unknown>>({ method: 'GET', path: taskPath(upid, 'status'), signal });
  return { ...decoded(upid), ...(s ?? {}) } as TaskStatus;
}

function decoded(upid: Upid): Omit<TaskStatus, 'status'> & { status?: string } {
  return { upid: upid.upid, node: upid.node, type: upid.type, id: upid.id, user: upid.user, pid: upid.pid, starttime: upid.starttime };
}

/** A task that is still running, or ended with OK or "WARNINGS: n", has not failed; any other exit status is a failure. */
export function taskFailed(status: TaskStatus): boolean {
  if (status.status === 'running') return false;
  const exit = status.exitstatus ?? '';
  return !(exit === 'OK' || /^WARNINGS: \d+$/.test(exit));
}

function sleep(ms: number, signal: AbortSignal | undefined, upid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TaskWaitInterrupted(upid));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new TaskWaitInterrupted(upid));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

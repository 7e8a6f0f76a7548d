/**
 * Tasks: UPIDs like Proxmox's, status from running to stopped over `taskDuration`, and logs with paging.
 * Effects are applied when the task is created; the task then only reports progress.
 */
import type { MockState, TaskRecord } from './state';

export interface TaskPlan {
  node: string;
  type: string;
  id: string;
  user: string;
  /** 'OK' (default), 'WARNINGS: n', or an error message */
  exitstatus?: string;
  log?: string[];
  /** Total log lines, generated on demand (for long-log tests). */
  logLines?: number;
  durationMs?: number;
}

/** `root@pam!ci` → user `root@pam`, tokenid `ci`, as Proxmox reports a task a token started. */
export function splitTaskUser(upidUser: string): { user: string; tokenid?: string } {
  const bang = upidUser.indexOf('!');
  return bang < 0 ? { user: upidUser } : { user: upidUser.slice(0, bang), tokenid: upidUser.slice(bang + 1) };
}

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export class Tasks {
  constructor(
    private readonly state: MockState,
    private readonly defaultDurationMs: number,
  ) {}

  /** Start a task: returns its UPID (`UPID:node:pid:pstart:starttime:type:id:user:`). */
  start(plan: TaskPlan): string {
    const data = this.state.data;
    const pid = data.nextPid++;
    const now = Date.now();
    const starttime = Math.floor(now / 1000);
    const pstart = (Math.floor(now / 10) & 0xffffff) + 0x100000;
    const upid = `UPID:${plan.node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${plan.type}:${plan.id}:${plan.user}:`;
    const exitstatus = plan.exitstatus ?? 'OK';
    const log = plan.log ? [...plan.log] : [`starting ${plan.type} ${plan.id}`];
    const warnings = /^WARNINGS: (\d+)$/.exec(exitstatus);
    if (warnings) for (let i = 1; i <= Number(warnings[1]); i++) log.push(`WARN: mock warning ${i}`);
    if (exitstatus !== 'OK' && !warnings) log.push(`TASK ERROR: ${exitstatus}`);
    else log.push(exitstatus === 'OK' ? 'TASK OK' : `TASK ${exitstatus}`);
    const record: TaskRecord = {
      upid,
      node: plan.node,
      type: plan.type,
      id: plan.id,
      user: plan.user,
      pid,
      pstart,
      starttime,
      endsAt: now + (plan.durationMs ?? this.defaultDurationMs),
      exitstatus,
      log,
      logLines: plan.logLines,
    };
    data.tasks.push(record);
    return upid;
  }

  find(upid: string): TaskRecord | undefined {
    const tasks = this.state.data.tasks;
    for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].upid === upid) return tasks[i];
    return undefined;
  }

  static running(t: TaskRecord): boolean {
    return Date.now() < t.endsAt;
  }

  /** `/nodes/{node}/tasks/{upid}/status` */
  status(t: TaskRecord): Record<string, unknown> {
    const running = Tasks.running(t);
    return { ...Tasks.identity(t), status: running ? 'running' : 'stopped', ...(running ? {} : { exitstatus: t.exitstatus }) };
  }

  /** The fields a task's status and its list row share: the decoded UPID, a token's user and token name apart. */
  private static identity(t: TaskRecord): Record<string, unknown> {
    const { user, tokenid } = splitTaskUser(t.user);
    return { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user, ...(tokenid ? { tokenid } : {}) };
  }

  /** A list row (`/nodes/{node}/tasks`, `/cluster/tasks`). */
  row(t: TaskRecord): Record<string, unknown> {
    const running = Tasks.running(t);
    const row: Record<string, unknown> = Tasks.identity(t);
    if (!running) {
      row.endtime = Math.floor(t.endsAt / 1000);
      row.status = t.exitstatus;
    }
    return row;
  }

  /** Lines visible now: a running task shows its log in proportion to elapsed time, the last line at the end. */
  lineCount(t: TaskRecord): number {
    const total = t.logLines ?? t.log.length;
    if (!Tasks.running(t)) return total;
    const duration = Math.max(1, t.endsAt - t.starttime * 1000);
    const elapsed = Date.now() - t.starttime * 1000;
    return Math.min(total - 1, Math.max(1, Math.floor((total * elapsed) / duration)));
  }

  line(t: TaskRecord, index: number): string {
    if (t.logLines === undefined) return t.log[index];
    const total = t.logLines;
    if (index === 0) return t.log[0];
    if (index >= total - 1) return t.log[t.log.length - 1];
    return `progress line ${index} of ${total - 2}`;
  }

  /** `/nodes/{node}/tasks/{upid}/log`: `[{n, t}]` from `start` (0-based), at most `limit` lines, and the total. */
  log(t: TaskRecord, start: number, limit: number): { lines: Array<{ n: number; t: string }>; total: number } {
    const total = this.lineCount(t);
    const lines: Array<{ n: number; t: string }> = [];
    for (let i = start; i < total && lines.length < limit; i++) lines.push({ n: i + 1, t: this.line(t, i) });
    return { lines, total };
  }
}

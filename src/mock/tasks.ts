/**
 * Tasks: UPIDs like Proxmox's, status from running to stopped over `taskDuration`, and logs with paging.
 * What a task changes takes effect when it ends (its `effects`), checked before every request; a task stopped
 * early applies only its cleanup. The log's final line follows from the exit status, as the worker writes it.
 */
import { type TaskEffects, applyEffects } from './effects';
import type { UpidParts } from './product';
import type { MockState, MockStateData, TaskRecord } from './state';

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
  effects?: TaskEffects;
}

const WARNINGS = /^WARNINGS: (\d+)$/;

/** An exit status other than OK or warnings: the task failed. */
export const isError = (exitstatus: string): boolean => exitstatus !== 'OK' && !WARNINGS.test(exitstatus);

/** The line a worker ends its log with (pve-common's fork_worker), which `upid_read_status` reads back. */
function finalLine(exitstatus: string): string {
  if (exitstatus === 'OK') return 'TASK OK';
  return isError(exitstatus) ? `TASK ERROR: ${exitstatus}` : `TASK ${exitstatus}`;
}

/** What a stopped worker's log says before its final line. */
const INTERRUPTED = 'received interrupt';
const INTERRUPTED_STATUS = 'interrupted by signal';

/** `root@pam!ci` → user `root@pam`, tokenid `ci`, as Proxmox reports a task a token started. */
export function splitTaskUser(upidUser: string): { user: string; tokenid?: string } {
  const bang = upidUser.indexOf('!');
  return bang < 0 ? { user: upidUser } : { user: upidUser.slice(0, bang), tokenid: upidUser.slice(bang + 1) };
}

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export class Tasks {
  /** Tasks with effects still to come, for the state data they were found in. */
  private pending: TaskRecord[] = [];
  private pendingOf?: MockStateData;

  constructor(
    private readonly state: MockState,
    private readonly defaultDurationMs: number,
    /** The product's UPID layout (product.ts); Proxmox VE's by default. */
    private readonly upidOf: (parts: UpidParts) => string = (u) =>
      `UPID:${u.node}:${hex8(u.pid)}:${hex8(u.pstart)}:${hex8(u.starttime)}:${u.type}:${u.id}:${u.user}:`,
  ) {}

  /** Start a task: returns its UPID (`UPID:node:pid:pstart:starttime:type:id:user:`). */
  start(plan: TaskPlan): string {
    const data = this.state.data;
    const pid = data.nextPid++;
    const now = Date.now();
    const starttime = Math.floor(now / 1000);
    const pstart = (Math.floor(now / 10) & 0xffffff) + 0x100000;
    const upid = this.upidOf({ node: plan.node, pid, pstart, taskId: pid, starttime, type: plan.type, id: plan.id, user: plan.user });
    const exitstatus = plan.exitstatus ?? 'OK';
    const log = plan.log ? [...plan.log] : [`starting ${plan.type} ${plan.id}`];
    const warnings = WARNINGS.exec(exitstatus);
    if (warnings) for (let i = 1; i <= Number(warnings[1]); i++) log.push(`WARN: mock warning ${i}`);
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
    if (plan.effects?.end?.length || plan.effects?.stop?.length) {
      record.effects = plan.effects;
      this.pendingTasks().push(record);
    }
    data.tasks.push(record);
    return upid;
  }

  private pendingTasks(): TaskRecord[] {
    const data = this.state.data;
    if (data !== this.pendingOf) {
      // New data (first use, or another process saved the state): find what is still to come in it.
      this.pendingOf = data;
      this.pending = data.tasks.filter((t) => t.effects);
    }
    return this.pending;
  }

  /** Apply the effects of the tasks that have ended; true when the state changed. Cheap when nothing is pending. */
  settle(): boolean {
    const pending = this.pendingTasks();
    if (pending.length === 0) return false;
    const now = Date.now();
    this.pending = pending.filter((t) => {
      if (!t.effects) return false; // stopped meanwhile
      if (now < t.endsAt) return true;
      this.finish(t, t.effects.end);
      return false;
    });
    return this.pending.length !== pending.length;
  }

  /**
   * `task stop`: a running task ends now, its log cut where it was, then Proxmox's interrupt lines; only its
   * cleanup applies. False when it was not running.
   */
  stop(t: TaskRecord): boolean {
    if (!Tasks.running(t)) return false;
    t.cut = this.lineCount(t);
    t.endsAt = Date.now();
    t.exitstatus = INTERRUPTED_STATUS;
    if (t.effects) this.finish(t, t.effects.stop);
    return true;
  }

  private finish(t: TaskRecord, effects: TaskEffects['end']): void {
    delete t.effects;
    applyEffects(this.state, effects, Math.floor(t.endsAt / 1000));
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

  /** Lines visible now: a running task shows its log in proportion to elapsed time, the final line at the end. */
  lineCount(t: TaskRecord): number {
    const total = t.cut === undefined ? Tasks.bodyLength(t) + 1 : t.cut + 2;
    if (!Tasks.running(t)) return total;
    const duration = Math.max(1, t.endsAt - t.starttime * 1000);
    const elapsed = Date.now() - t.starttime * 1000;
    return Math.min(total - 1, Math.max(1, Math.floor((total * elapsed) / duration)));
  }

  /** Lines before the final one; a generated log puts its progress lines between the first line and the others. */
  private static bodyLength(t: TaskRecord): number {
    return t.logLines === undefined ? t.log.length : Math.max(t.logLines - 1, t.log.length);
  }

  line(t: TaskRecord, index: number): string {
    const body = t.cut ?? Tasks.bodyLength(t);
    if (index >= body) return t.cut !== undefined && index === body ? INTERRUPTED : finalLine(t.exitstatus);
    if (t.logLines === undefined || index === 0) return t.log[index];
    const progress = Tasks.bodyLength(t) - t.log.length;
    return index <= progress ? `progress line ${index} of ${progress}` : t.log[index - progress];
  }

  /** `/nodes/{node}/tasks/{upid}/log`: `[{n, t}]` from `start` (0-based), at most `limit` lines, and the total. */
  log(t: TaskRecord, start: number, limit: number): { lines: Array<{ n: number; t: string }>; total: number } {
    const total = this.lineCount(t);
    const lines: Array<{ n: number; t: string }> = [];
    for (let i = start; i < total && lines.length < limit; i++) lines.push({ n: i + 1, t: this.line(t, i) });
    return { lines, total };
  }
}

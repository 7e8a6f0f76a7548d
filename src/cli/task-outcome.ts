import { CliError, ExitCode } from '../errors';
import { formatDuration } from '../output/units';
import { taskFailed, TaskWaitInterrupted, TaskWaitTimeout, type TaskStatus } from '../tasks/wait';
import type { GlobalOptions } from './globals';
import { printResult } from './context';
import { warn, writeErr, writeOut } from './io';
import { shellCommand } from '../util/shell-quote';

/** The exit code for a task (DESIGN.md §4): OK and "WARNINGS: n" succeed, anything else is a failed task (8). */
export function taskExitCode(status: TaskStatus): number {
  return taskFailed(status) ? ExitCode.taskFailed : ExitCode.ok;
}

/** Failed task beats a timeout, which beats success; an interrupt beats all. */
export function worseExitCode(a: number, b: number): number {
  const severity = (code: number) => ({ 0: 0, 9: 1, 8: 2, 130: 3 })[code as 0] ?? 2;
  return severity(b) > severity(a) ? b : a;
}

/** The library's wait errors as the CLI reports them: exit 9 or 130, and how to follow the task that goes on. */
export function waitErrorForCli(err: unknown): unknown {
  if (err instanceof TaskWaitTimeout) return new CliError(err.message, ExitCode.timeout, `follow it with: ${shellCommand('pvecli', 'task', 'wait', err.upid)}`);
  if (err instanceof TaskWaitInterrupted) return interruptedWait(err.upid);
  return err;
}

/**
 * The request was accepted and a task started, but the server answers its status with an error (404 from a
 * server that hands out UPIDs it does not track, a reply without `data`, Proxmox's "no such task"): say so, and
 * that the outcome is unknown, with the exit code of an API error (7); the caller puts the UPID on stdout.
 */
export function untrackedTask(err: unknown, upid: string): UntrackedTask | undefined {
  const status = (err as { status?: unknown })?.status;
  if (!(err instanceof Error) || typeof status !== 'number') return undefined;
  return new UntrackedTask(`the request was accepted and started task ${upid}, but the server cannot report on the task: ${err.message}`);
}

export class UntrackedTask extends CliError {
  constructor(message: string) {
    super(message, ExitCode.api, 'its outcome is unknown here; the UPID is on stdout');
    this.name = 'UntrackedTask';
  }
}

/** Ctrl-C during a wait: exit 130, and how to pick the task up again. */
export function interruptedWait(upid: string): CliError {
  const { message } = new TaskWaitInterrupted(upid);
  return new CliError(message, ExitCode.interrupted, `follow it with: ${shellCommand('pvecli', 'task', 'log', upid, '--follow')}`);
}

/** One line for text output: `qmcreate 100 on pve: OK (3s)`. */
export function statusLine(s: TaskStatus): string {
  const took = s.endtime && s.starttime ? ` (${formatDuration(s.endtime - s.starttime)})` : '';
  const what = [s.type, s.id].filter(Boolean).join(' ');
  return `${what} on ${s.node}: ${s.status === 'running' ? 'running' : s.exitstatus ?? s.status}${took}`;
}

/** A finished task's warning or failure on stderr (also under --quiet); returns its exit code. */
export function reportOutcome(status: TaskStatus): number {
  const code = taskExitCode(status);
  const exit = status.exitstatus ?? '';
  if (/^WARNINGS: /.test(exit)) warn(`task ${status.upid} finished with ${exit.toLowerCase()}`);
  if (code === ExitCode.taskFailed) writeErr(`pvecli: task failed: ${exit || 'unknown error'}`);
  return code;
}

/**
 * Final statuses on stdout: in text one line per task; otherwise one document, the status of a single task or
 * the list of them when several were asked for (`task wait A B -o json | jq` reads one array).
 */
export function printStatuses(statuses: TaskStatus[], globals: GlobalOptions): void {
  if ((globals.outputFormat ?? 'text') === 'text') {
    if (!globals.quiet) writeOut(statuses.map((s) => statusLine(s) + '\n').join(''));
  } else {
    // The tasks ran: a --fields/--sort key their statuses lack is exit 10 (shown after success), never exit 2.
    const waited = `waiting for ${statuses.map((s) => s.upid).join(', ')}`;
    printResult(statuses.length > 1 ? statuses : statuses[0], globals, undefined, waited);
  }
}

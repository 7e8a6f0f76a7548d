import type { GlobalOptions } from '../cli/globals';
import { printResult } from '../cli/context';
import { warn, writeErr, writeOut } from '../cli/io';
import { ExitCode } from '../errors';
import type { ApiClient } from '../http';
import { formatDuration } from '../output/units';
import { followTask, taskExitCode, TaskWaitInterrupted, type TaskStatus } from './wait';
import { isatty } from 'node:tty';

export { isUpid, parseUpid, taskPath, type Upid } from './upid';
export { followTask, readStatus, taskExitCode, TaskWaitInterrupted, TaskWaitTimeout, type TaskStatus } from './wait';

/** One line for text output: `qmcreate 100 on pve: OK (3s)`. */
export function statusLine(s: TaskStatus): string {
  const took = s.endtime && s.starttime ? ` (${formatDuration(s.endtime - s.starttime)})` : '';
  const what = [s.type, s.id].filter(Boolean).join(' ');
  return `${what} on ${s.node}: ${s.status === 'running' ? 'running' : s.exitstatus ?? s.status}${took}`;
}

/**
 * Wait for a task a verb started (DESIGN.md §4): log to stderr as it grows, final status to stdout,
 * exit 0 for OK (warning line for WARNINGS), 8 for a failed task, 9 on --wait-timeout, 130 on Ctrl-C.
 */
export function waitForTask(client: ApiClient, upid: string, globals: GlobalOptions): Promise<number> {
  return waitForTasks(client, [upid], globals);
}

/**
 * Wait for several tasks at once; the exit code is the worst of them. After Ctrl-C stdout holds only the UPIDs
 * of the tasks that go on, one a line, so a script can wait for them again.
 */
export async function waitForTasks(client: ApiClient, upids: string[], globals: GlobalOptions): Promise<number> {
  const results = await Promise.all(upids.map((u) => waitWithInterrupt(client, u, globals)));
  let worst: number = ExitCode.ok;
  for (const r of results) {
    const code = typeof r === 'number' ? r : reportOutcome(r);
    worst = severity(code) > severity(worst) ? code : worst;
  }
  const goingOn = upids.filter((_, i) => typeof results[i] === 'number');
  if (goingOn.length) writeOut(goingOn.map((u) => u + '\n').join(''));
  else printStatuses(results as TaskStatus[], globals);
  return worst;
}

/** Failed task beats a timeout, which beats success; an interrupt beats all. */
function severity(code: number): number {
  return { 0: 0, 9: 1, 8: 2, 130: 3 }[code as 0] ?? 2;
}

/** A finished task's warning or failure on stderr (also under --quiet); returns its exit code. */
function reportOutcome(status: TaskStatus): number {
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
function printStatuses(statuses: TaskStatus[], globals: GlobalOptions): void {
  if ((globals.outputFormat ?? 'text') === 'text') {
    if (!globals.quiet) writeOut(statuses.map((s) => statusLine(s) + '\n').join(''));
  } else printResult(statuses.length > 1 ? statuses : statuses[0], globals);
}

/**
 * Follow a task with Ctrl-C handling; returns the status, or an exit code when interrupted (the caller prints the
 * UPIDs that go on). Under --quiet neither the log nor the progress line is shown, so the log is not even read.
 */
async function waitWithInterrupt(client: ApiClient, upid: string, globals: GlobalOptions): Promise<TaskStatus | number> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const quiet = Boolean(globals.quiet);
  const tty = isatty(2) && !quiet;
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[K');
    progressShown = false;
  };
  try {
    return await followTask(client, upid, {
      waitTimeout: globals.waitTimeout,
      signal: abort.signal,
      noLog: quiet,
      onLog: (line) => {
        clearProgress();
        writeErr(line);
      },
      onTick: tty
        ? (elapsed) => {
            process.stderr.write(`\r\x1b[Kwaiting for task… ${formatDuration(elapsed)}`);
            progressShown = true;
          }
        : undefined,
    });
  } catch (err) {
    clearProgress();
    // Ctrl-C may land while a status or log request is in flight: the HTTP core then reports its own
    // interruption, but the user still needs the UPID to follow the task that goes on.
    if (err instanceof TaskWaitInterrupted || abort.signal.aborted) {
      const interrupted = err instanceof TaskWaitInterrupted ? err : new TaskWaitInterrupted(upid);
      writeErr(`pvecli: ${interrupted.message}`);
      writeErr(`hint: ${interrupted.hint}`);
      return ExitCode.interrupted;
    }
    throw err;
  } finally {
    clearProgress();
    process.removeListener('SIGINT', onSigint);
  }
}

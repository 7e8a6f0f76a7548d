import { isatty } from '../util/tty';
import { CliError, ExitCode } from '../errors';
import type { ApiClient } from '../http';
import { formatDuration } from '../output/units';
import { followTask, TaskWaitInterrupted, type TaskStatus } from '../tasks/wait';
import type { GlobalOptions } from './globals';
import { writeErr, writeOut } from './io';
import { interruptedWait, printStatuses, reportOutcome, UntrackedTask, untrackedTask, waitErrorForCli, worseExitCode } from './task-outcome';

/**
 * Wait for a task a verb started (DESIGN.md §4): log to stderr as it grows, final status to stdout,
 * exit 0 for OK (warning line for WARNINGS), 8 for a failed task, 9 on --wait-timeout, 130 on Ctrl-C.
 */
export function waitForTask(client: ApiClient, upid: string, globals: GlobalOptions): Promise<number> {
  return waitForTasks(client, [upid], globals, { started: true });
}

/**
 * Wait for several tasks at once; the exit code is the worst of them. After Ctrl-C or --wait-timeout stdout holds
 * only the UPIDs of the tasks that go on, one a line, so a script can wait for them again.
 */
export async function waitForTasks(client: ApiClient, upids: string[], globals: GlobalOptions, opts: { started?: boolean } = {}): Promise<number> {
  const results = await Promise.all(upids.map((u) => waitWithInterrupt(client, u, globals, opts.started)));
  let worst: number = ExitCode.ok;
  for (const r of results) worst = worseExitCode(worst, typeof r === 'number' ? r : reportOutcome(r));
  const goingOn = upids.filter((_, i) => typeof results[i] === 'number');
  if (goingOn.length) writeOut(goingOn.map((u) => u + '\n').join(''));
  else printStatuses(results as TaskStatus[], globals);
  return worst;
}

/**
 * Follow a task with Ctrl-C handling; returns the status, or an exit code when interrupted, out of time, or (for a
 * task this run `started`) when the server cannot report on it: the caller prints the UPIDs that go on. Under
 * --quiet neither the log nor the progress line is shown, so the log is not even read.
 */
async function waitWithInterrupt(client: ApiClient, upid: string, globals: GlobalOptions, started = false): Promise<TaskStatus | number> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  // main()'s own Ctrl-C handler steps aside while this listener is registered.
  process.once('SIGINT', onSigint);
  const quiet = Boolean(globals.quiet);
  const progress = progressLine(isatty(2) && !quiet);
  try {
    return await followTask(client, upid, {
      waitTimeout: globals.waitTimeout,
      signal: abort.signal,
      noLog: quiet,
      onLog: (line) => {
        progress.clear();
        writeErr(line);
      },
      onTick: progress.show,
    });
  } catch (err) {
    progress.clear();
    // Ctrl-C may land while a status or log request is in flight: the HTTP core then reports its own
    // interruption, but the user still needs the UPID to follow the task that goes on.
    const goesOn =
      err instanceof TaskWaitInterrupted || abort.signal.aborted ? interruptedWait(upid) : started ? (untrackedTask(err, upid) ?? waitErrorForCli(err)) : waitErrorForCli(err);
    // The task goes on (as far as anyone knows): one line, a hint, and its UPID on stdout (by the caller).
    const stillRunning = goesOn instanceof CliError && (goesOn.exitCode === ExitCode.interrupted || goesOn.exitCode === ExitCode.timeout);
    if (stillRunning || goesOn instanceof UntrackedTask) {
      writeErr(`pvecli: ${goesOn.message}`);
      writeErr(`hint: ${goesOn.hint}`);
      return goesOn.exitCode;
    }
    throw goesOn;
  } finally {
    progress.clear();
    process.removeListener('SIGINT', onSigint);
  }
}

/** `waiting for task… 12s` on a terminal's stderr, redrawn in place and cleared before any log line. */
function progressLine(enabled: boolean): { show?: (elapsed: number) => void; clear: () => void } {
  let shown = false;
  return {
    show: enabled
      ? (elapsed) => {
          process.stderr.write(`\r\x1b[Kwaiting for task… ${formatDuration(elapsed)}`);
          shown = true;
        }
      : undefined,
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

import type { GlobalOptions } from '../cli/globals';
import { printResult } from '../cli/context';
import { warn, writeErr, writeOut } from '../cli/io';
import { ExitCode } from '../errors';
import type { ApiClient } from '../http';
import { formatDuration } from '../output/units';
import { followTask, taskExitCode, TaskWaitInterrupted, type TaskStatus } from './wait';

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
export async function waitForTask(client: ApiClient, upid: string, globals: GlobalOptions): Promise<number> {
  const status = await waitWithInterrupt(client, upid, globals);
  if (typeof status === 'number') return status;
  return reportFinished(status, globals);
}

export function reportFinished(status: TaskStatus, globals: GlobalOptions): number {
  const code = taskExitCode(status);
  const exit = status.exitstatus ?? '';
  if (/^WARNINGS: /.test(exit)) warn(`task ${status.upid} finished with ${exit.toLowerCase()}`);
  if ((globals.outputFormat ?? 'text') === 'text') {
    if (!globals.quiet) writeOut(statusLine(status) + '\n');
  } else printResult(status, globals);
  if (code === ExitCode.taskFailed) writeErr(`pvecli: task failed: ${exit || 'unknown error'}`);
  return code;
}

/** Follow a task with Ctrl-C handling; returns the status, or an exit code when interrupted. */
export async function waitWithInterrupt(client: ApiClient, upid: string, globals: GlobalOptions): Promise<TaskStatus | number> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = Boolean(process.stderr.isTTY) && !globals.quiet;
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[K');
    progressShown = false;
  };
  try {
    return await followTask(client, upid, {
      waitTimeout: globals.waitTimeout,
      signal: abort.signal,
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
      writeOut(upid + '\n');
      return ExitCode.interrupted;
    }
    throw err;
  } finally {
    clearProgress();
    process.removeListener('SIGINT', onSigint);
  }
}

/**
 * Running prepared calls on many targets: at most `parallel` at once, each one its request and then (unless
 * --async) the task it started; one progress line on a terminal's stderr; each target's outcome kept for the
 * summary. Ctrl-C starts nothing new and stops waiting: the tasks go on, their UPIDs are in the summary.
 */
import { ExitCode } from '../errors';
import type { ApiClient } from '../http';
import { formatDuration } from '../output/units';
import { followTask, TaskWaitInterrupted, TaskWaitTimeout } from '../tasks/wait';
import { isUpid } from '../tasks/upid';
import { cliErrorOf } from './http-errors';
import { writeErr } from './io';
import { taskExitCode } from './task-outcome';
import { sendPrepared, type PreparedCall } from './verb';

/** One target's outcome: a row of the summary. */
export interface TargetResult {
  target: string;
  /** `OK`, the task's exit status, or what went wrong. */
  result: string;
  upid?: string;
  /** The exit code this target alone would have had (DESIGN.md §4). */
  exitcode: number;
  /** A reply that was no task (a GET's data). */
  data?: unknown;
}

export interface RunOptions {
  parallel: number;
  /** A progress line on stderr (a terminal, not --quiet). */
  progress: boolean;
  /** One line per finished target on stderr (not a terminal, not --quiet). */
  log: boolean;
}

/** Run every call, `parallel` at a time; results in the calls' order. */
export async function runAll(calls: PreparedCall[], client: ApiClient, opts: RunOptions): Promise<TargetResult[]> {
  const results: Array<TargetResult | undefined> = calls.map(() => undefined);
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  // main()'s own Ctrl-C handler steps aside while this listener is registered.
  process.on('SIGINT', onSigint);
  const view = progressView(calls.length, opts.progress);
  let next = 0;
  const worker = async () => {
    while (next < calls.length && !stop.signal.aborted) {
      const i = next++;
      view.started();
      const result = await runOne(calls[i], client, stop.signal);
      results[i] = result;
      view.finished(result.exitcode !== ExitCode.ok, () => {
        if (opts.log) writeErr(`${result.target}: ${result.result}`);
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.parallel, calls.length) }, worker));
  } finally {
    view.close();
    process.removeListener('SIGINT', onSigint);
  }
  return results.map((r, i) => r ?? { target: calls[i].request.path, result: 'not started (interrupted)', exitcode: ExitCode.interrupted });
}

/** The request, then its task: every failure becomes this target's result, never the whole run's end. */
async function runOne(call: PreparedCall, client: ApiClient, signal: AbortSignal): Promise<TargetResult> {
  const target = call.request.path;
  let data: unknown;
  try {
    data = await sendPrepared(call, client);
  } catch (err) {
    const e = cliErrorOf(err) as Error & { exitCode?: number };
    return { target, result: firstLine(e.message), exitcode: e.exitCode ?? ExitCode.internal };
  }
  if (!isUpid(data)) return { target, result: 'OK', exitcode: ExitCode.ok, data };
  if (call.request.method === 'GET' || call.globals.async) return { target, result: 'started', upid: data, exitcode: ExitCode.ok };
  try {
    const status = await followTask(client, data, { waitTimeout: call.globals.waitTimeout, signal, noLog: true });
    return { target, result: status.exitstatus ?? status.status, upid: data, exitcode: taskExitCode(status) };
  } catch (err) {
    if (err instanceof TaskWaitTimeout) return { target, result: 'still running (--wait-timeout)', upid: data, exitcode: ExitCode.timeout };
    if (err instanceof TaskWaitInterrupted || signal.aborted) return { target, result: 'still running (interrupted)', upid: data, exitcode: ExitCode.interrupted };
    const e = cliErrorOf(err) as Error & { exitCode?: number };
    return { target, result: `wait failed: ${firstLine(e.message)}`, upid: data, exitcode: e.exitCode ?? ExitCode.internal };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** `10 targets: 6 done (1 failed), 4 running  12s`, redrawn in place once a second and on every change. */
function progressView(total: number, enabled: boolean) {
  let running = 0;
  let done = 0;
  let failed = 0;
  const began = Date.now();
  let shown = false;
  const draw = () => {
    if (!enabled) return;
    const waiting = total - done - running;
    const parts = [`${done} done${failed ? ` (${failed} failed)` : ''}`, `${running} running`, ...(waiting ? [`${waiting} waiting`] : [])];
    process.stderr.write(`\r\x1b[K${total} targets: ${parts.join(', ')}  ${formatDuration(Math.floor((Date.now() - began) / 1000))}`);
    shown = true;
  };
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  const timer = enabled ? setInterval(draw, 1000) : undefined;
  timer?.unref();
  return {
    started() {
      running++;
      draw();
    },
    /** `log` writes a line of its own: the progress line is cleared first and drawn again below it. */
    finished(failure: boolean, log: () => void) {
      running--;
      done++;
      if (failure) failed++;
      clear();
      log();
      draw();
    },
    close() {
      clearInterval(timer);
      clear();
    },
  };
}

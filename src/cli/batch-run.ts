import { CliError, ExitCode } from '../errors';
import type { ApiClient } from '../http';
import type { PropSchema } from '../schema/types';
import { isUpid, parseUpid } from '../tasks/upid';
import { followTask, readStatus, taskFailed, type TaskStatus } from '../tasks/wait';
import type { PreparedLine } from './batch-prepare';
import type { Connection } from './connection';
import type { GlobalOptions } from './globals';
import { warn, writeErr } from './io';
import { interruptedWait, taskExitCode, waitErrorForCli } from './task-outcome';
import { dryRunText } from './dry-run';
import { sendPrepared } from './verb';

/** How a result is shown with -o: as a reply (like `pvecli get`), a waited task's status, or a dry run's request. */
export type Shown = { as: 'reply'; returns?: PropSchema; sent: string } | { as: 'task' } | { as: 'dry-run'; text: string };

/** What one line came to. A failure may carry data too (a failed task's status) and the UPID of a task that goes on. */
export type Outcome =
  | { ok: true; globals: GlobalOptions; data: unknown; shown: Shown; upid?: string }
  | { ok: false; globals: GlobalOptions; error: unknown; data?: unknown; shown?: Shown; upid?: string };

/**
 * Run one prepared line over the batch's connection. `interrupt` is Ctrl-C: it cuts a GET or a task wait short;
 * a request that changes something is let finish, so a task it started is reported with its UPID, not lost.
 */
export async function runLine(prepared: PreparedLine, connection: Connection, interrupt: AbortSignal): Promise<Outcome> {
  const globals = prepared.kind === 'call' ? prepared.call.globals : prepared.globals;
  try {
    if (prepared.kind !== 'call') {
      if (prepared.kind === 'task wait') return await waitOutcome(connection.client(), prepared.upid, globals, interrupt);
      const status = await readStatus(connection.client(), parseUpid(prepared.upid), interrupt);
      const shown: Shown = { as: 'reply', sent: `GET /nodes/${status.node}/tasks/${status.upid}/status` };
      return taskFailed(status) ? failedTask(status, globals, shown) : { ok: true, globals, data: status, shown };
    }
    const { call } = prepared;
    const { request } = call;
    if (globals.dryRun) {
      const { describeRequest } = require('../http') as typeof import('../http');
      const described = describeRequest(connection.settings, request);
      const shownRequest = call.upload ? call.upload.describe(request, described) : described;
      return { ok: true, globals, data: shownRequest, shown: { as: 'dry-run', text: dryRunText(shownRequest) } };
    }
    if (request.method === 'GET') request.signal = interrupt;
    const data = await sendPrepared(call, connection.client());
    if (request.method !== 'GET' && isUpid(data) && !globals.async) return await waitOutcome(connection.client(), data, globals, interrupt);
    return { ok: true, globals, data, shown: { as: 'reply', returns: call.op.returns, sent: `${request.method} ${request.path}` }, upid: isUpid(data) ? data : undefined };
  } catch (error) {
    return { ok: false, globals, error };
  }
}

/** Follow a task to its end: its log on stderr (not with -q), its status the result; exit 8 if it failed. */
async function waitOutcome(client: ApiClient, upid: string, globals: GlobalOptions, interrupt: AbortSignal): Promise<Outcome> {
  if (interrupt.aborted) return { ok: false, globals, error: interruptedWait(upid), upid };
  try {
    const status = await followTask(client, upid, { waitTimeout: globals.waitTimeout, signal: interrupt, noLog: globals.quiet, onLog: (line) => writeErr(line) });
    const exit = status.exitstatus ?? '';
    if (/^WARNINGS: /.test(exit)) warn(`task ${status.upid} finished with ${exit.toLowerCase()}`);
    return taskExitCode(status) === ExitCode.ok ? { ok: true, globals, data: status, shown: { as: 'task' }, upid } : failedTask(status, globals, { as: 'task' });
  } catch (err) {
    return { ok: false, globals, error: interrupt.aborted ? interruptedWait(upid) : waitErrorForCli(err), upid };
  }
}

function failedTask(status: TaskStatus, globals: GlobalOptions, shown: Shown): Outcome {
  const error = new CliError(`task failed: ${status.exitstatus || 'unknown error'}`, ExitCode.taskFailed);
  return { ok: false, globals, error, data: status, shown, upid: status.upid };
}

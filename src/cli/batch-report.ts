import { CliError, ExitCode } from '../errors';
import { renderTo } from '../output/render';
import type { TaskStatus } from '../tasks/wait';
import type { Outcome, Shown } from './batch-run';
import { printResult, renderOptions } from './context';
import { fileErrorOf } from './file-errors';
import type { GlobalOptions } from './globals';
import { cliErrorOf } from './http-errors';
import { reportError, writeOut } from './io';
import { afterSuccess } from './sent-errors';
import { printStatuses } from './task-outcome';

/** Writes what one line came to; returns its exit code (0 for success). */
export type Reporter = (line: number, outcome: Outcome) => number;

/** A failure as the CLI reports it: exit code, message and hint (DESIGN.md §4). */
function failureOf(error: unknown): CliError {
  const err = fileErrorOf(cliErrorOf(error));
  if (err instanceof Error && typeof (err as Partial<CliError>).exitCode === 'number') return err as CliError;
  return new CliError(`internal error: ${(err as Error)?.message ?? String(err)}`, ExitCode.internal);
}

/**
 * Without -o: one JSON object a line, written at once (a coprocess reads each answer before it writes the next
 * command). The line's --fields, --query, --sort and --expand shape its `data` as they shape `-o json`. -q leaves
 * out the successes.
 */
export const reportJson: Reporter = (line, outcome) => {
  let failure: CliError | undefined;
  let data: string | undefined;
  if (outcome.data !== undefined || outcome.ok) {
    try {
      data = dataJson(outcome.data, outcome.globals, outcome.shown);
    } catch (err) {
      // The request went out: a --fields or --sort key its result lacks is exit 10, not 2 (DESIGN.md §4).
      const sent = outcome.shown?.as === 'reply' ? outcome.shown.sent : outcome.upid ? `waiting for ${outcome.upid}` : undefined;
      failure = failureOf(sent ? afterSuccess(err, sent) : err);
    }
  }
  if (!outcome.ok) failure = failureOf(outcome.error);
  if (!failure && outcome.globals.quiet) return ExitCode.ok;
  const head = failure
    ? { line, ok: false, exit: failure.exitCode, error: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) }
    : { line, ok: true };
  const fields = [JSON.stringify(head).slice(0, -1)];
  if (outcome.upid) fields.push(`"upid":${JSON.stringify(outcome.upid)}`);
  if (data !== undefined) fields.push(`"data":${data}`);
  writeOut(fields.join(',') + '}\n');
  return failure ? failure.exitCode : ExitCode.ok;
};

function dataJson(data: unknown, globals: GlobalOptions, shown?: Shown): string {
  const parts: string[] = [];
  const returns = shown?.as === 'reply' ? shown.returns : undefined;
  renderTo(data, { ...renderOptions(globals, returns), format: 'json' }, (text) => parts.push(text));
  return parts.join('').trimEnd();
}

/**
 * With -o FORMAT: each result as the command alone would show it; errors on stderr as `pvecli: line N: …`; the
 * UPID of a task that goes on (Ctrl-C, --wait-timeout) on stdout, as `pvecli create` leaves it.
 */
export const reportRendered: Reporter = (line, outcome) => {
  try {
    if (outcome.shown && outcome.data !== undefined) show(outcome.data, outcome.globals, outcome.shown);
  } catch (err) {
    return reportError(onLine(line, failureOf(err)));
  }
  if (outcome.ok) return ExitCode.ok;
  const failure = failureOf(outcome.error);
  if (outcome.upid && (failure.exitCode === ExitCode.interrupted || failure.exitCode === ExitCode.timeout)) writeOut(outcome.upid + '\n');
  return reportError(onLine(line, failure));
};

function show(data: unknown, globals: GlobalOptions, shown: Shown): void {
  if (shown.as === 'dry-run') return writeOut(shown.text);
  if (shown.as === 'task') return printStatuses([data as TaskStatus], globals);
  // --async: the UPID is the result, the one handle on the task, so --quiet does not hide it.
  const visible = globals.async && typeof data === 'string' && data.startsWith('UPID:') ? { ...globals, quiet: false } : globals;
  printResult(data, visible, shown.returns, shown.sent);
}

function onLine(line: number, failure: CliError): CliError {
  return new CliError(`line ${line}: ${failure.message}`, failure.exitCode, failure.hint);
}

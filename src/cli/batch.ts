import { ExitCode, UsageError } from '../errors';
import { readBatch, type BatchEntry } from './batch-lines';
import { batchHelp } from './batch-help';
import { prepareLine, type PreparedLine } from './batch-prepare';
import { reportJson, reportRendered, type Reporter } from './batch-report';
import { runLine, type Outcome } from './batch-run';
import { openConnection, type Connection } from './connection';
import { schemaFor } from './context';
import type { Schema } from '../schema/load';
import { splitGlobals, type GlobalOptions } from './globals';
import { writeErr, writeOut } from './io';

interface BatchOptions {
  source: string;
  stopOnError: boolean;
  validateFirst: boolean;
}

/**
 * `pvecli batch [FILE|-]`: many commands, one process, one connection (kept alive between requests). Each line is
 * answered as soon as it has run; the exit code is the first failure's, 130 after Ctrl-C.
 */
export async function runBatch(argv: string[]): Promise<number> {
  const { globals, positionals, rest } = splitGlobals(argv);
  if (globals.help) return print(batchHelp());
  const opts = batchOptions(positionals, rest, globals);
  const report = globals.outputFormat ? reportRendered : reportJson;
  const input = readBatch(opts.source);
  const interrupt = new AbortController();
  const onInterrupt = () => {
    // A second Ctrl-C does not wait for the line in flight.
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    interrupt.abort();
    input.stop();
  };
  // main()'s own Ctrl-C handler steps aside while this one is registered.
  process.on('SIGINT', onInterrupt);
  let connection: Connection | undefined;
  // Chosen once for the run (profile selection, cached match) rather than again for every line.
  let schema: Schema | undefined;
  const schemaOfRun = () => (schema ??= schemaFor(globals));
  const run = async (prepared: PreparedLine): Promise<Outcome> => {
    connection ??= await openConnection(globals, { needServer: !globals.dryRun });
    return runLine(prepared, connection, interrupt.signal);
  };
  try {
    const first = opts.validateFirst ? await validateAll(input.entries, globals, schemaOfRun, report) : undefined;
    if (first !== undefined && first.failed) return first.exit;
    let exit: number = ExitCode.ok;
    for await (const entry of first?.lines ?? prepareEach(input.entries, globals, schemaOfRun)) {
      if (interrupt.signal.aborted) break;
      const outcome = 'error' in entry ? entry : await run(entry);
      const code = report(entry.line, outcome);
      if (code !== ExitCode.ok) {
        if (exit === ExitCode.ok) exit = code;
        if (opts.stopOnError && !interrupt.signal.aborted) {
          writeErr(`pvecli: batch stopped after line ${entry.line} (--no-stop-on-error runs every line)`);
          break;
        }
      }
    }
    if (interrupt.signal.aborted) {
      writeErr('pvecli: interrupted; the batch ran no further lines');
      return ExitCode.interrupted;
    }
    return exit;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    input.stop();
    await connection?.close();
  }
}

type Checked = PreparedLine | { line: number; ok: false; globals: GlobalOptions; error: unknown };

/** Each entry prepared as it arrives; a line that cannot be prepared becomes its failure. */
async function* prepareEach(entries: AsyncIterable<BatchEntry>, globals: GlobalOptions, schema: () => Schema): AsyncGenerator<Checked> {
  for await (const entry of entries) yield check(entry, globals, schema);
}

/** A schema that cannot be loaded (an unknown --schema) fails the line that needs it, as a line's own error. */
function check(entry: BatchEntry, globals: GlobalOptions, schema: () => Schema): Checked {
  try {
    return prepareLine(entry, globals, schema);
  } catch (error) {
    return { line: entry.line, ok: false, globals, error };
  }
}

/** --validate-first: every line read and checked before anything is sent; any invalid line stops the batch there. */
async function validateAll(entries: AsyncIterable<BatchEntry>, globals: GlobalOptions, schema: () => Schema, report: Reporter): Promise<{ failed: boolean; exit: number; lines: Checked[] }> {
  const lines: Checked[] = [];
  for await (const entry of entries) lines.push(check(entry, globals, schema));
  let exit: number = ExitCode.ok;
  for (const line of lines) {
    if (!('error' in line)) continue;
    const code = report(line.line, line);
    if (exit === ExitCode.ok) exit = code;
  }
  if (exit !== ExitCode.ok) writeErr('pvecli: nothing was sent: the batch has invalid lines (--validate-first)');
  return { failed: exit !== ExitCode.ok, exit, lines };
}

function batchOptions(positionals: string[], rest: string[], globals: GlobalOptions): BatchOptions {
  if (positionals.length > 1) throw new UsageError(`batch reads one FILE (or - for stdin), got ${positionals.length}`);
  let stopOnError: boolean | undefined;
  let validateFirst = false;
  for (const flag of rest) {
    if (flag === '--stop-on-error') stopOnError = true;
    else if (flag === '--no-stop-on-error') stopOnError = false;
    else if (flag === '--validate-first') validateFirst = true;
    else throw new UsageError(`unknown option '${flag}'`, "see 'pvecli batch --help'");
  }
  // Lines read their own --input files; the batch's --input or --out-file would apply to every line at once.
  if (globals.input !== undefined || globals.outFile !== undefined) {
    throw new UsageError(`--${globals.input !== undefined ? 'input' : 'out-file'} belongs on the line that needs it, not on the batch`);
  }
  const source = positionals[0] ?? '-';
  // A file is a script (later lines may build on earlier ones): stop at the first failure. A stream from a
  // program is a conversation: it reads each answer and decides itself.
  return { source, stopOnError: stopOnError ?? source !== '-', validateFirst };
}

function print(text: string): number {
  writeOut(text);
  return ExitCode.ok;
}

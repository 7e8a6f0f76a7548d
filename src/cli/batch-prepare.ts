import { UsageError } from '../errors';
import type { Schema } from '../schema/load';
import { GLOBAL_OPTIONS, type GlobalOptions } from './global-options';
import { splitGlobals } from './globals';
import { upidArgument } from './task-commands';
import { prepareCall, type PreparedCall } from './verb';
import type { BatchEntry } from './batch-lines';

/** One line of a batch, checked and ready to run: nothing has been sent for it yet. */
export type PreparedLine =
  | { line: number; kind: 'call'; call: PreparedCall }
  | { line: number; kind: 'task wait' | 'task status'; upid: string; globals: GlobalOptions };

const VERBS = new Set(['get', 'set', 'create', 'delete']);
const RUNS = "batch runs get, set, create, delete, 'task wait UPID' and 'task status UPID'";

/**
 * Options that shape the one connection every line shares (or the one output stream): a line may not change them,
 * or its request would go elsewhere, or its output be read as something else, than the batch says.
 */
const BATCH_WIDE: ReadonlyArray<keyof GlobalOptions> = ['profile', 'insecure', 'tlsFingerprint', 'caFile', 'schema', 'otp', 'trace', 'requestTimeout', 'outputFormat'];

/**
 * Parse and validate one line (no network): a usage error names what is wrong with it. `schema`: the batch's one
 * schema (a line cannot change the profile or --schema, so every line validates against the same).
 */
export function prepareLine(entry: BatchEntry, base: GlobalOptions, schema: () => Schema): PreparedLine {
  if (entry.error) throw entry.error;
  const [command, ...args] = entry.words ?? [];
  if (command === 'task' && (args[0] === 'wait' || args[0] === 'status')) {
    const { globals: own, positionals, rest } = splitGlobals(args.slice(1));
    const globals = checkOwn({ ...base, ...own }, base);
    if (rest.length) throw new UsageError(`unexpected option '${rest[0]}'`, `'task ${args[0]}' takes a UPID and global options`);
    if (positionals.length !== 1) throw new UsageError(`'task ${args[0]}' takes one UPID per line in a batch (got ${positionals.length})`);
    return { line: entry.line, kind: `task ${args[0]}`, upid: upidArgument(positionals[0]).upid, globals };
  }
  if (!VERBS.has(command)) {
    const what = command === 'task' ? `task ${args[0] ?? ''}`.trim() : command;
    throw new UsageError(`'${what}' is not run in a batch`, RUNS);
  }
  const call = prepareCall(command as 'get', args, base, schema());
  if (typeof call === 'string') throw new UsageError('--help is not run in a batch', `see 'pvecli ${command} PATH --help'`);
  checkOwn(call.globals, base);
  // Lines never read the batch's own input, nor stream a file reply into the results.
  if (call.globals.input === '-') throw new UsageError('--input - reads stdin, which a batch line cannot', 'give the parameters in a file: --input FILE');
  if (call.download) throw new UsageError('file replies (downloads) are not saved in a batch', `run 'pvecli get ${call.request.path} --out-file FILE' on its own`);
  return { line: entry.line, kind: 'call', call };
}

function checkOwn(globals: GlobalOptions, base: GlobalOptions): GlobalOptions {
  for (const key of BATCH_WIDE) {
    if (globals[key] !== base[key]) {
      const spec = GLOBAL_OPTIONS.find((s) => s.key === key)!;
      throw new UsageError(`--${spec.name} applies to the whole batch, not to one line`, `give it to 'pvecli batch' (-o: run a second batch)`);
    }
  }
  return globals;
}

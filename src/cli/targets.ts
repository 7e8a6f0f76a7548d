/**
 * One verb on many targets: several paths (`pvecli create /nodes/pve/qemu/{100,101,102}/status/shutdown`, as bash
 * expands it), or a quoted pattern whose `*` are looked up in /cluster/resources and filtered with --where. Every
 * target is parsed and validated before anything is sent (one invalid target: exit 2, nothing sent); --dry-run
 * shows them all; a terminal asks before changing more than a few; then --parallel at a time, a summary table
 * (target, result, UPID) on stdout, and the worst result as the exit code (DESIGN.md §4).
 */
import { isatty } from 'node:tty';
import { CliError, ExitCode, UsageError } from '../errors';
import { withDefaultShape } from '../output/shape';
import type { Verb } from '../schema/verbs';
import { isInteractive, openConnection, type Connection } from './connection';
import { printResult, schemaFor } from './context';
import { splitGlobals, type GlobalOptions } from './globals';
import { writeErr, writeOut } from './io';
import { promptOrInterrupt } from './prompts';
import { worseExitCode } from './task-outcome';
import { expandPattern, isPattern, parsePattern, parseWhere, whereWithoutPattern, type Pattern, type WhereFilter } from './targets-expand';
import { runAll, type TargetResult } from './targets-run';
import { prepareCall, runPrepared, type PreparedCall } from './verb';

const DEFAULT_PARALLEL = 4;
/** More targets than this are confirmed on a terminal before anything changes (not in CI, not with --yes). */
const CONFIRM_ABOVE = 3;
/** Targets listed in the question; the rest are counted. */
const LISTED = 20;

export async function runTargets(verb: Verb, argv: string[]): Promise<number> {
  const split = splitGlobals(argv);
  const { globals } = split;
  if (globals.watch !== undefined) throw new UsageError('--watch takes one path', 'watch a list instead, e.g. pvecli get /cluster/resources --type vm --watch');
  // The operation's own flags and the global options, for each target alike.
  const shared = argv.filter((_, i) => !split.positionalAt.includes(i));
  const filters = (globals.where ?? []).map(parseWhere);
  const schema = schemaFor(globals);
  const patterns = split.positionals.filter(isPattern).map((p) => parsePattern(schema, p));
  if (filters.length && !patterns.length) throw whereWithoutPattern();
  // Flags are checked before the server is asked to expand a pattern, on a stand-in for its first match.
  for (const pattern of patterns) prepareTarget(verb, standIn(pattern), shared);

  const connection = await openConnection(globals, { needServer: !globals.dryRun || patterns.length > 0 });
  try {
    const paths = await targetPaths(split.positionals, patterns, filters, connection);
    if (paths.length === 0) {
      writeErr(`pvecli: no target matches ${patterns.map((p) => `'${p.text}'`).join(', ')}${filters.length ? ' with the --where filters' : ''}; nothing sent`);
      return ExitCode.ok;
    }
    const calls = paths.map((path) => prepareTarget(verb, path, shared));
    if (globals.dryRun) return await dryRun(calls, connection);
    if (!(await confirmed(verb, calls, globals))) {
      writeErr('pvecli: cancelled; nothing sent');
      return ExitCode.interrupted;
    }
    const quiet = Boolean(globals.quiet);
    const results = await runAll(calls, connection.client(), {
      parallel: globals.parallel ?? DEFAULT_PARALLEL,
      progress: !quiet && isatty(2),
      log: !quiet && !isatty(2),
    });
    printSummary(results, globals);
    return results.reduce((worst, r) => worseExitCode(worst, r.exitcode), ExitCode.ok as number);
  } finally {
    await connection.close();
  }
}

/** One target prepared; an invalid one names itself in the usage error (and nothing is sent). */
function prepareTarget(verb: Verb, path: string, shared: string[]): PreparedCall {
  let prepared: PreparedCall | string;
  try {
    prepared = prepareCall(verb, [path, ...shared]);
  } catch (err) {
    if (err instanceof CliError) throw new CliError(`${path}: ${err.message}`, err.exitCode, err.hint);
    throw err;
  }
  if (typeof prepared === 'string') throw new UsageError('--help takes one path', `e.g. pvecli ${verb} ${path} --help`);
  return prepared;
}

/** A pattern with each `*` written as a plausible value, to check the flags before the server is asked. */
function standIn(pattern: Pattern): string {
  const sample: Record<string, string> = { node: 'localhost', vmid: '100', storage: 'local' };
  return pattern.text
    .split('/')
    .map((seg) => {
      if (!seg.includes('*')) return seg;
      const name = Object.keys(pattern.params).find((k) => pattern.params[k] === seg);
      return name ? sample[name] : seg;
    })
    .join('/');
}

/** The paths in the order given, patterns expanded in place (one GET /cluster/resources per kind), duplicates once. */
async function targetPaths(positionals: string[], patterns: Pattern[], filters: WhereFilter[], connection: Connection): Promise<string[]> {
  const rowsOf = new Map<string, Promise<Array<Record<string, unknown>>>>();
  const rows = (kind: string) => {
    if (!rowsOf.has(kind)) rowsOf.set(kind, connection.client().request({ method: 'GET', path: '/cluster/resources', params: { type: kind } }));
    return rowsOf.get(kind)!;
  };
  const paths: string[] = [];
  for (const positional of positionals) {
    const pattern = patterns.find((p) => p.text === positional);
    if (pattern) paths.push(...expandPattern(pattern, (await rows(pattern.kind)) ?? [], filters));
    else paths.push(positional);
  }
  return [...new Set(paths)];
}

/** Each target's request as --dry-run shows one, an empty line between them. */
async function dryRun(calls: PreparedCall[], connection: Connection): Promise<number> {
  for (const [i, call] of calls.entries()) {
    if (i > 0) writeOut('\n');
    await runPrepared(call, connection);
  }
  return ExitCode.ok;
}

/** On a terminal, more than a few changes are asked about first; never in CI, never with --yes, never for get. */
async function confirmed(verb: Verb, calls: PreparedCall[], globals: GlobalOptions): Promise<boolean> {
  if (verb === 'get' || globals.yes || calls.length <= CONFIRM_ABOVE || !isInteractive() || process.env.CI) return true;
  const listed = calls.slice(0, LISTED).map((c) => `  ${c.request.path}`);
  if (calls.length > LISTED) listed.push(`  … and ${calls.length - LISTED} more`);
  writeErr(listed.join('\n'));
  return promptOrInterrupt(async () => {
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message: `${verb} (${calls[0].request.method}) on these ${calls.length} targets?`, default: false }, { output: process.stderr });
  });
}

/** target, result, UPID: a table in text, the rows as they are in JSON and YAML. */
function printSummary(results: TargetResult[], globals: GlobalOptions): void {
  const table = ['text', 'table'].includes(globals.outputFormat ?? 'text');
  const rows = results.map(({ target, result, upid, exitcode, data }) => ({
    target,
    result,
    ...(upid || table ? { upid: upid ?? '' } : {}),
    exitcode,
    ...(data !== undefined ? { data } : {}),
  }));
  const shown = table ? withDefaultShape(globals, { fields: ['target', 'result', 'upid'], keepOrder: true }) : { ...globals, keepOrder: true };
  printResult(rows, shown, undefined, `${results.length} targets`);
}

import { UsageError } from '../errors';
import { shellCommand } from '../util/shell-quote';
import { isHumanFormat, render } from '../output/render';
import { inlineFormat, returnsText, usageJson, usageLine, usageVerbose, type FormatLookup } from '../output/usage';
import type { Schema } from '../schema/load';
import type { HttpMethod, Operation } from '../schema/types';
import { VERB_METHODS, VERBS, isVerb, verbOf, type Verb } from '../schema/verbs';
import { schemaFor } from './context';
import { splitGlobals } from './globals';
import { examplesText, USAGE_EXAMPLES, USAGE_SUMMARY } from './verb-summary';
import { writeOut } from './io';
import { isatty } from '../util/tty';

/** Property-string keys: the params module knows the hand-written overlays; fall back to inline formats. */
export function formatLookup(): FormatLookup {
  try {
    const params = require('../params') as { propertyFormatOf?: FormatLookup };
    if (params.propertyFormatOf) return params.propertyFormatOf;
  } catch {
    // params not built: inline formats only
  }
  return inlineFormat;
}

/** The operations of a path, optionally only one verb's; exit 2 when the verb has none there. */
export function operationsOf(schema: Schema, path: string, verb?: Verb): Operation[] {
  const resolved = schema.resolve(path);
  const methods: HttpMethod[] = verb ? [VERB_METHODS[verb]] : resolved.methods;
  if (verb && !resolved.methods.includes(VERB_METHODS[verb])) {
    const have = resolved.methods.map(verbOf);
    throw new UsageError(
      `'${verb}' is not available on ${resolved.template}`,
      have.length ? `available: ${have.join(', ')}` : `${resolved.template} has no operations; try \`${shellCommand('pvecli', 'ls', resolved.concrete)}\``,
    );
  }
  return methods.map((m) => schema.operation(resolved.template, m)!);
}

/** Text for `usage` and `<verb> <path> --help`. */
export function usageText(ops: Operation[], opts: { verbose?: boolean; returns?: boolean }): string {
  const lookup = formatLookup();
  const width = Math.min((isatty(1) && process.stdout.columns) || 100, 120);
  return ops
    .map((op) => {
      const verb = verbOf(op.method);
      let text = opts.verbose ? usageVerbose(verb, op, lookup, width) : usageLine(verb, op) + '\n';
      if (opts.returns) text += (opts.verbose ? '\n' : '') + returnsText(op);
      return text;
    })
    .join(opts.verbose || opts.returns ? '\n' : '');
}

export async function runUsage(argv: string[]): Promise<number> {
  const { globals, positionals, rest } = splitGlobals(argv);
  let verbose = false;
  let returns = false;
  let command: Verb | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--returns' || a === '-r') returns = true;
    else if (a === '--command' || a === '-c' || a.startsWith('--command=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (!value || !isVerb(value)) throw new UsageError(`--command: '${value ?? ''}' is not one of ${VERBS.join(', ')}`);
      command = value;
    } else throw new UsageError(`unknown option '${a}' for usage`, 'options: --verbose, --returns, --command get|set|create|delete');
  }
  if (globals.help) {
    writeOut(`Usage: pvecli usage PATH [--verbose] [--returns] [--command get|set|create|delete] [-o json]\n\n${USAGE_SUMMARY}\n\n${examplesText(USAGE_EXAMPLES)}`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('missing API path', "e.g. 'pvecli usage /nodes/{node}/qemu --command create -v'");
  if (positionals.length > 1) throw new UsageError(`usage takes one path, got ${positionals.length}`);
  const schema = schemaFor(globals);
  const ops = operationsOf(schema, positionals[0], command);
  const format = globals.outputFormat ?? 'text';
  if (!isHumanFormat(format)) {
    const lookup = formatLookup();
    const docs = ops.map((op) => usageJson(verbOf(op.method), op, lookup));
    writeOut(render(command ? docs[0] : docs, { format }));
    return 0;
  }
  if (ops.length === 0) {
    writeOut(`${positionals[0]} has no operations; its children: ${shellCommand('pvecli', 'ls', positionals[0])}\n`);
    return 0;
  }
  writeOut(usageText(ops, { verbose, returns }));
  return 0;
}

import { UsageError } from '../errors';
import { GLOBAL_OPTIONS, type GlobalOptions, type GlobalSpec } from './global-options';
import { parseSeconds } from './seconds';
import { checkQuery } from '../output/shape';

export type { GlobalOptions, GlobalSpec } from './global-options';

/** The table of global-options.ts, with `value` (takes a value, else boolean) for the parsers and completion. */
export const GLOBAL_SPECS: ReadonlyArray<GlobalSpec & { value: boolean }> = GLOBAL_OPTIONS.map((s) => ({ ...s, value: s.kind !== 'boolean' }));

export interface SplitArgs {
  globals: GlobalOptions;
  /** Positional words (verb arguments such as the API path). */
  positionals: string[];
  /** Where each positional word stands in argv. */
  positionalAt: number[];
  /** Everything else: the operation's own flags, in order. */
  rest: string[];
}

/**
 * Take the global options out of argv. `apiParams` are the operation's parameter names: where a global's long
 * name collides with one, the long name stays with the API parameter (the global is then reached by its short
 * alias or its environment variable), as DESIGN.md §3 fixes.
 */
export function splitGlobals(argv: string[], apiParams: ReadonlySet<string> = new Set()): SplitArgs {
  const globals: GlobalOptions = {};
  const positionals: string[] = [];
  const positionalAt: number[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      for (let at = i + 1; at < argv.length; at++) positionalAt.push(at);
      break;
    }
    let spec: (typeof GLOBAL_SPECS)[number] | undefined;
    let inline: string | undefined;
    let negated = false;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (name.startsWith('no-') && !apiParams.has(name) && !apiParams.has(name.slice(3))) {
        const base = GLOBAL_SPECS.find((s) => s.name === name.slice(3) && !s.value);
        if (base) {
          name = base.name;
          negated = true;
        }
      }
      if (!apiParams.has(name)) spec = GLOBAL_SPECS.find((s) => s.name === name);
    } else if (/^-[a-zA-Z]/.test(arg)) {
      spec = GLOBAL_SPECS.find((s) => s.short === arg[1]);
      // `-ojson` and `-o=json` alike
      if (spec && arg.length > 2) inline = arg.slice(arg[2] === '=' ? 3 : 2);
      if (!spec) {
        rest.push(arg);
        continue;
      }
    } else {
      if (rest.length > 0 && expectsValue(rest[rest.length - 1])) rest.push(arg);
      else {
        positionals.push(arg);
        positionalAt.push(i);
      }
      continue;
    }
    if (!spec) {
      rest.push(arg);
      continue;
    }
    if (spec.kind === 'interval' && inline === undefined) {
      // The value may be left out: the next word is it only when it is a number (`--watch 5`, not `--watch /nodes`).
      const next = argv[i + 1];
      assign(globals, spec, next !== undefined && NUMBER.test(next) ? argv[++i] : String(spec.fallback));
    } else if (spec.value) {
      let value = inline;
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`option --${spec.name} needs a value`);
        value = argv[++i];
      }
      assign(globals, spec, value);
    } else {
      const words: readonly string[] = ('inlineWords' in spec && spec.inlineWords) || [];
      if (inline !== undefined && !negated && words.includes(inline)) {
        (globals as Record<string, unknown>)[spec.key] = inline;
        continue;
      }
      if (inline !== undefined && !/^(1|0|true|false|yes|no)$/i.test(inline)) {
        const takes = words.length ? `takes no value or one of ${words.join(', ')}` : 'takes no value';
        throw new UsageError(`option --${spec.name} ${takes} (got '${inline}')`);
      }
      const on = inline === undefined ? true : /^(1|true|yes)$/i.test(inline);
      (globals as Record<string, unknown>)[spec.key] = negated ? !on : on;
    }
  }
  return { globals, positionals, positionalAt, rest };
}

/**
 * `pvecli -p lab -o json get /nodes` → `pvecli get /nodes -p lab -o json`: global options typed before the command
 * move behind it (before any `--`), so every command parser sees them where it expects its own flags.
 */
export function hoistLeadingGlobals(argv: readonly string[]): string[] {
  const end = leadingGlobalsEnd(argv);
  if (end === 0 || end >= argv.length) return [...argv];
  const leading = argv.slice(0, end);
  const after = argv.slice(end);
  const dashdash = after.indexOf('--');
  return dashdash < 0 ? [...after, ...leading] : [...after.slice(0, dashdash), ...leading, ...after.slice(dashdash)];
}

/**
 * Where the command starts: the index of the first word after the global options (and their values) that argv
 * begins with; argv.length when there is no word after them (an option at the end may still wait for its value).
 */
export function leadingGlobalsEnd(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    const spec = arg.startsWith('--')
      ? GLOBAL_SPECS.find((s) => {
          const name = arg.slice(2).split('=')[0];
          return s.name === name || (!s.value && name === `no-${s.name}`);
        })
      : /^-[a-zA-Z]/.test(arg)
        ? GLOBAL_SPECS.find((s) => s.short === arg[1])
        : undefined;
    if (!spec) break;
    const inline = arg.startsWith('--') ? arg.includes('=') : arg.length > 2;
    const takesNext = spec.kind === 'interval' ? NUMBER.test(argv[i + 1] ?? '') : spec.value;
    i += takesNext && !inline ? 2 : 1;
  }
  return Math.min(i, argv.length);
}

/** A word that is an optional value's value rather than the next argument. */
const NUMBER = /^\d+(\.\d+)?$/;

/** A bare `--flag` in the operation's flags may take the next word as its value (`--memory 2048`). */
function expectsValue(flag: string): boolean {
  return flag.startsWith('-') && !flag.includes('=');
}

function assign(globals: GlobalOptions, spec: GlobalSpec, value: string): void {
  const parsed = parseGlobalValue(spec, value);
  const held = globals as Record<string, unknown>;
  held[spec.key] = spec.kind === 'repeated' ? [...((held[spec.key] as string[] | undefined) ?? []), parsed] : parsed;
}

/** A global option's value as GlobalOptions holds it; oclif's flags parse theirs with this too. */
export function parseGlobalValue(spec: GlobalSpec, value: string): string | string[] | number {
  if (spec.options && !spec.options.includes(value)) {
    throw new UsageError(`--${spec.name}: '${value}' is not one of ${spec.options.join(', ')}`);
  }
  switch (spec.kind) {
    case 'list':
      return value.split(',').map((s) => s.trim()).filter(Boolean);
    case 'seconds':
    case 'interval':
      return parseSeconds(spec.name, value);
    case 'count':
      if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`--${spec.name}: '${value}' is not a whole number from 1`);
      return Number(value);
    case 'query':
      checkQuery(value);
      return value;
    default:
      return value;
  }
}

/**
 * argv → typed parameters for one operation: `--name value`, `--name=value`, booleans (`--flag`, `--flag 0`,
 * `--no-flag`), arrays and `-list` formats by repetition or comma lists, numbered families (`--net0`).
 * Only the operation's own flags arrive here; path parameters come from the path.
 */
import { UsageError } from '../errors';
import { shellCommand } from '../util/shell-quote';
import type { Operation, PropSchema } from '../schema/types';
import { coerceValue, itemsOf, printable, show, typeOf } from './coerce';
import { parseBooleanWord, propertyFormatOf } from './property-string';
import { hidesValue, lookupParam } from './validate';

/** bigint: an integer beyond ±2^53, kept exact (see coerceValue). */
export type ParamValue = string | number | bigint | boolean | Array<string | number | bigint> | Record<string, unknown>;

/** Parameter names that are filled from `{name}` segments of the operation's path. */
export function pathParamNames(op: Operation): Set<string> {
  return new Set([...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
}

export function parseArgs(
  op: Operation,
  argv: string[],
  /** `open`: path parameters the user's path left as `{name}`, which a flag may fill in. */
  opts: { input?: Record<string, unknown>; open?: ReadonlySet<string> } = {},
): Record<string, ParamValue> {
  const pathParams = new Set([...pathParamNames(op)].filter((name) => !opts.open?.has(name)));
  const given = new Map<string, { prop: PropSchema; values: unknown[] }>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument '${show(arg)}'`, 'parameters are given as --name value');
    }
    const eq = arg.indexOf('=');
    let name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let inline: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    const found = lookupParam(op, name);
    const error = found.error;
    let prop = found.prop;
    // --no-flag for a boolean `flag`, unless the API itself has a parameter called no-flag.
    if (!prop && !error && name.startsWith('no-')) {
      const positive = lookupParam(op, name.slice(3)).prop;
      if (positive && typeOf(positive) === 'boolean') {
        if (inline !== undefined) throw new UsageError(`--${printable(name)} takes no value`);
        prop = positive;
        name = name.slice(3);
        inline = 'false';
      }
    }
    if (error) throw new UsageError(`--${name}: ${error}`);
    // Operations that take additional properties get unknown flags as strings.
    if (!prop && op.parameters.additionalProperties && /^[A-Za-z][\w.-]*$/.test(name)) prop = { type: 'string' };
    if (!prop) throw unknownFlag(op, name, pathParams);
    if (pathParams.has(name)) throw new UsageError(`--${name} is part of the path (${op.path}), not a flag`);
    let value: string;
    if (inline !== undefined) value = inline;
    else if (typeOf(prop) === 'boolean') {
      const next = argv[i + 1];
      // A bare boolean flag, unless a value follows: a boolean word, or any non-flag word (refused as not a boolean).
      if (next !== undefined && (parseBooleanWord(next) !== undefined || !next.startsWith('-'))) {
        value = next;
        i++;
      } else value = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined || /^--[A-Za-z]/.test(next)) {
        throw new UsageError(`--${name}: missing value`, prop.typetext ? `expected ${prop.typetext}` : undefined);
      }
      value = next;
      i++;
    }
    const entry = given.get(name) ?? { prop, values: [] };
    entry.values.push(value);
    given.set(name, entry);
  }

  const out: Record<string, ParamValue> = {};
  if (opts.input) {
    for (const [name, raw] of Object.entries(opts.input)) {
      if (given.has(name) || raw === undefined || raw === null) continue;
      const { prop, error } = lookupParam(op, name);
      if (error) throw new UsageError(`--input: ${name}: ${error}`);
      if (!prop) {
        if (op.parameters.additionalProperties) {
          out[name] = raw as ParamValue;
          continue;
        }
        throw unknownFlag(op, name, pathParams, '--input: ');
      }
      if (pathParams.has(name)) throw new UsageError(`--input: ${name} is part of the path (${op.path}), not a parameter`);
      out[name] = typed(op, name, prop, raw);
    }
  }
  for (const [name, { prop, values }] of given) out[name] = typed(op, name, prop, combine(name, prop, values));
  return out;
}

/** Several occurrences or a comma list: arrays collect, `-list` formats join, anything else may appear once. */
function combine(name: string, prop: PropSchema, values: unknown[]): unknown {
  const type = typeOf(prop);
  if (type === 'array') {
    const items = itemsOf(prop) ?? {};
    return splitsOnComma(items) ? values.flatMap((v) => String(v).split(',').filter((s) => s !== '')) : values;
  }
  if (values.length === 1) return values[0];
  if (typeof prop.format === 'string' && prop.format.endsWith('-list')) return values.join(',');
  throw new UsageError(`--${name}: given more than once`);
}

/** Comma lists split only where a comma cannot be part of an item: numbers, enums, named (non property-string) formats. */
function splitsOnComma(items: PropSchema): boolean {
  const t = typeOf(items);
  if (t === 'integer' || t === 'number' || Array.isArray(items.enum)) return true;
  return typeof items.format === 'string' && !propertyFormatOf(items);
}

function typed(op: Operation, name: string, prop: PropSchema, raw: unknown): ParamValue {
  const c = coerceValue(prop, raw, hidesValue(op, name, prop));
  if (c.error !== undefined) throw new UsageError(`--${name}: ${c.error}`);
  return c.value as ParamValue;
}

function unknownFlag(op: Operation, name: string, pathParams: Set<string>, prefix = ''): UsageError {
  const { nearest, editDistance } = require('../util/text') as typeof import('../util/text');
  const flags: string[] = [];
  for (const [n, p] of Object.entries(op.parameters.properties ?? {})) {
    if (pathParams.has(n)) continue;
    const family = p['x-family'];
    if (family) {
      const m = /^(.*?)(\d+)$/.exec(name);
      flags.push(m && m[1] !== family.prefix ? `${family.prefix}${m[2]}` : `${family.prefix}0`);
    } else flags.push(n);
  }
  let near = nearest(name, flags, 3);
  if (near.length === 0) near = [...flags].sort((a, b) => editDistance(name, a) - editDistance(name, b) || a.localeCompare(b)).slice(0, 3);
  const hint = near.length
    ? `did you mean ${near.map((f) => `--${f}`).join(', ')}?`
    : flags.length
      ? `run \`${shellCommand('pvecli', 'usage', op.path, '-v')}\` to list the parameters`
      : 'this operation takes no parameters';
  return new UsageError(`${prefix}unknown parameter '--${show(name)}'`, hint);
}

/**
 * The seeded argv and property-string generators of the parameter fuzzing, shared by
 * test/unit/fuzz-params.test.ts (outcomes) and bench/fuzz-params.mjs (time per case).
 */
import { propertyFormatOf } from '../../src/params';
import { sampleArg } from '../../src/params/samples';
import type { Schema } from '../../src/schema/load';
import type { Operation, PropSchema } from '../../src/schema/types';
import { METHODS } from '../../src/schema/types';

export const FUZZ_SEED = Number(process.env.PVECLI_FUZZ_SEED ?? 20261125);

export type Rng = ReturnType<typeof rng>;

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

export function operations(schema: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path] of schema.index.entries) for (const m of METHODS) {
    const op = schema.operation(path, m);
    if (op) ops.push(op);
  }
  return ops;
}

export const NASTY = [
  '', ' ', '-', '--', '---', '=', '==', ',', ',,', ';', '0', '-1', '1e309', 'NaN', 'Infinity', '0x10', '9'.repeat(30),
  'true', 'no', 'null', '{}', '[]', '\u0000', 'a\nb', '\t', 'ä', '😀', '%00', '../../etc/passwd', 'a=b=c', 'key=', '=value',
  'virtio,virtio', 'x'.repeat(300), '(?^:', '\\', '"quoted"', "'", '/dev/null', 'local:', ':', '::', '1.2.3.4/99',
];

export function randomString(r: Rng): string {
  const alphabet = 'abcxyz0123456789-_.,:;=/@!+ %\n';
  let s = '';
  const n = r.int(24);
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

export function mutate(r: Rng, value: string): string {
  switch (r.int(6)) {
    case 0:
      return value + r.pick([',', '=', ',zz=1', ';x', ' ', '\n']);
    case 1:
      return value.slice(0, r.int(value.length + 1));
    case 2:
      return value.replace(/[a-z]/, r.pick(['Z', '-', '', '=']));
    case 3:
      return r.pick(NASTY);
    case 4:
      return randomString(r);
    default:
      return value;
  }
}

function flagFor(r: Rng, name: string, prop: PropSchema): string {
  const family = prop['x-family'];
  if (!family) return name;
  return `${family.prefix}${r.pick([0, 1, family.max, family.max + 1, r.int(family.max + 3)])}`;
}

/** One random argv for an operation: sampled and mutated values, unknown and odd flags, booleans in every form. */
export function randomArgv(r: Rng, op: Operation): string[] {
  const props = Object.entries(op.parameters.properties ?? {});
  const argv: string[] = [];
  const n = r.int(6);
  for (let i = 0; i < n; i++) {
    const roll = r.next();
    if (roll < 0.08 || props.length === 0) {
      argv.push(r.pick(['--bogus', '--', '-x', 'positional', '--no-bogus', `--${randomString(r)}`, '--=1']));
      continue;
    }
    const [name, prop] = r.pick(props);
    const flag = flagFor(r, name, prop);
    const sample = sampleArg(prop);
    let value = Array.isArray(sample) ? sample[0] : sample ?? randomString(r);
    if (r.next() < 0.5) value = mutate(r, value);
    switch (r.int(5)) {
      case 0:
        argv.push(`--${flag}=${value}`);
        break;
      case 1:
        argv.push(`--${flag}`);
        break;
      case 2:
        argv.push(`--no-${flag}`);
        break;
      default:
        argv.push(`--${flag}`, value);
    }
  }
  return argv;
}

/** A schema with its operations; the first pool is drawn 70% of the time. */
export type Pool = [Schema, Operation[]];

/** One argv case: an operation of a random pool and its argv; path values are drawn only when asked (after parsing). */
export function argvCase(r: Rng, pools: Pool[]): { schema: Schema; op: Operation; argv: string[]; pathValues: () => Record<string, string> } {
  const [schema, ops] = r.next() < 0.7 ? pools[0] : r.pick(pools.slice(1));
  const op = r.pick(ops);
  const argv = randomArgv(r, op);
  const pathValues = () => {
    const path: Record<string, string> = {};
    for (const m of op.path.matchAll(/\{([^}]+)\}/g)) path[m[1]] = r.next() < 0.9 ? String(sampleArg(op.parameters.properties[m[1]] ?? {}, m[1]) ?? 'x') : randomString(r);
    return path;
  };
  return { schema, op, argv, pathValues };
}

/** Every named property-string format among the operations' parameters. */
export function propertyFormats(ops: Operation[]): Array<Record<string, PropSchema>> {
  const formats: Array<Record<string, PropSchema>> = [];
  for (const op of ops) for (const p of Object.values(op.parameters.properties ?? {})) {
    const f = propertyFormatOf(p);
    if (f) formats.push(f);
  }
  return formats;
}

/** One property string for `format`: sampled and mutated values, unknown keys, bare values, odd separators. */
export function randomPropertyString(r: Rng, format: Record<string, PropSchema>): string {
  const keys = Object.keys(format);
  const parts: string[] = [];
  for (let k = r.int(5); k >= 0; k--) {
    const key = r.next() < 0.85 ? r.pick(keys) : randomString(r);
    const sample = sampleArg(format[key] ?? {});
    const value = mutate(r, Array.isArray(sample) ? sample[0] : sample ?? randomString(r));
    parts.push(r.next() < 0.2 ? value : `${key}=${value}`);
  }
  return parts.join(r.pick([',', ',', ',', ', ', ';']));
}

/** One whole invocation of a verb: the path filled (or spoiled), the operation's flags, global options, environment. */
export interface Invocation {
  verb: 'get' | 'set' | 'create' | 'delete';
  argv: string[];
  env: Record<string, string>;
}

const VERB_OF = { GET: 'get', PUT: 'set', POST: 'create', DELETE: 'delete' } as const;

/** Durations as people and scripts mistype them: fine, zero, negative, fractions, beyond a timer's range, words. */
export const DURATIONS = ['30', '0.5', '0', '-1', '1e9', '2147484', '2147483', 'abc', '', 'Infinity', '1e-3', ' 5'];
const QUERIES = ['[', '[?status==`running`]', 'length(@)', '@', '[].node', '{a: b', '!!', 'foo[', 'sort_by(@, &x)'];
const FORMATS = ['text', 'table', 'json', 'json-pretty', 'yaml', 'xml', ''];
const KEYS = ['node', 'status', 'nosuch', 'id', '-mem', 'type', ''];

/**
 * A random invocation over `pools`; `inputs` are files for --input (valid, broken, special). Global options and
 * environment values are drawn from the lists above, half of them bad, so every check before sending is reached.
 */
export function randomInvocation(r: Rng, pools: Array<{ id: string; ops: Operation[] }>, inputs: readonly string[]): Invocation {
  const { id, ops } = r.next() < 0.8 ? pools[0] : r.pick(pools.slice(1));
  const op = r.pick(ops);
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const sample = sampleArg(op.parameters.properties?.[name] ?? {}, name);
    const value = Array.isArray(sample) ? sample[0] : sample ?? 'x';
    return encodeURIComponent(r.next() < 0.85 ? String(value) : mutate(r, String(value)));
  });
  // A third without the operation's own flags, so enough invocations are valid and go out.
  const argv = [path, ...(r.next() < 0.33 ? [] : randomArgv(r, op))];
  const globals: Array<() => string[]> = [
    () => ['-o', r.pick(FORMATS)],
    () => ['--fields', `${r.pick(KEYS)},${r.pick(KEYS)}`],
    () => ['--sort', r.pick(KEYS)],
    () => ['--query', r.pick(QUERIES)],
    () => ['--request-timeout', r.pick(DURATIONS)],
    () => ['--wait-timeout', r.pick(DURATIONS)],
    () => ['--input', r.pick(inputs)],
    () => ['--dry-run'],
    () => ['--async'],
    () => ['--expand'],
  ];
  for (let k = r.int(4); k > 0; k--) argv.push(...r.pick(globals)());
  const env: Record<string, string> = { PVECLI_SCHEMA: id };
  if (r.next() < 0.2) env[r.pick(['PROXMOX_API_TIMEOUT', 'PROXMOX_API_CONNECT_TIMEOUT', 'PROXMOX_API_RETRY_BACKOFF'])] = r.pick(DURATIONS);
  if (r.next() < 0.05) env.PVECLI_MAX_REPLY_MB = r.pick(['0', '1', '600', 'x', '0.001']);
  return { verb: VERB_OF[op.method as keyof typeof VERB_OF] ?? 'get', argv, env };
}

/**
 * Seeded, reproducible fuzzing of argv vectors and property strings over PVE 9.2 (and a slice of PBS/PMG/PDM):
 * every outcome is a valid parameter set or a UsageError / parameter errors with a one-line message; no other
 * exception, no hang (each case is timed).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { UsageError } from '../../src/errors';
import { encodeParams, parseArgs, parsePropertyString, propertyFormatOf, validateParams, validateWire } from '../../src/params';
import { PropertyStringError } from '../../src/params/property-string';
import { sampleArg } from '../../src/params/samples';
import { loadSchema, type Schema } from '../../src/schema/load';
import type { Operation, PropSchema } from '../../src/schema/types';
import { METHODS } from '../../src/schema/types';

const SEED = Number(process.env.PVECLI_FUZZ_SEED ?? 20261125);

/** mulberry32: small, fast, reproducible. */
function rng(seed: number) {
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

function operations(schema: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path] of schema.index.entries) for (const m of METHODS) {
    const op = schema.operation(path, m);
    if (op) ops.push(op);
  }
  return ops;
}

const NASTY = [
  '', ' ', '-', '--', '---', '=', '==', ',', ',,', ';', '0', '-1', '1e309', 'NaN', 'Infinity', '0x10', '9'.repeat(30),
  'true', 'no', 'null', '{}', '[]', '\u0000', 'a\nb', '\t', 'ä', '😀', '%00', '../../etc/passwd', 'a=b=c', 'key=', '=value',
  'virtio,virtio', 'x'.repeat(300), '(?^:', '\\', '"quoted"', "'", '/dev/null', 'local:', ':', '::', '1.2.3.4/99',
];

function randomString(r: ReturnType<typeof rng>): string {
  const alphabet = 'abcxyz0123456789-_.,:;=/@!+ %\n';
  let s = '';
  const n = r.int(24);
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

function mutate(r: ReturnType<typeof rng>, value: string): string {
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

function flagFor(r: ReturnType<typeof rng>, name: string, prop: PropSchema): string {
  const family = prop['x-family'];
  if (!family) return name;
  return `${family.prefix}${r.pick([0, 1, family.max, family.max + 1, r.int(family.max + 3)])}`;
}

/** One random argv for an operation: sampled and mutated values, unknown and odd flags, booleans in every form. */
function randomArgv(r: ReturnType<typeof rng>, op: Operation): string[] {
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

function checkMessage(message: string): void {
  expect(message.length).toBeGreaterThan(0);
  expect(message).not.toMatch(/\n/);
}

describe(`fuzzing (seed ${SEED})`, () => {
  const pve = loadSchema('pve-9.2');
  const others = ['pbs-4', 'pmg-6.3', 'pdm-1.1'].map((id) => loadSchema(id));
  const pools: Array<[Schema, Operation[]]> = [[pve, operations(pve)], ...others.map((s): [Schema, Operation[]] => [s, operations(s)])];

  it('12,000 argv vectors: valid params, or one-line usage errors', () => {
    const r = rng(SEED);
    const outcomes = { valid: 0, usage: 0, invalid: 0 };
    let slowest = 0;
    for (let i = 0; i < 12_000; i++) {
      const [schema, ops] = r.next() < 0.7 ? pools[0] : r.pick(pools.slice(1));
      const op = r.pick(ops);
      const argv = randomArgv(r, op);
      const started = performance.now();
      try {
        const values = parseArgs(op, argv);
        const path: Record<string, string> = {};
        for (const m of op.path.matchAll(/\{([^}]+)\}/g)) path[m[1]] = r.next() < 0.9 ? String(sampleArg(op.parameters.properties[m[1]] ?? {}) ?? 'x') : randomString(r);
        const errors = validateParams(schema, op, { ...path, ...values });
        if (errors.length) {
          outcomes.invalid++;
          for (const e of errors) {
            expect(e.param).toBeTypeOf('string');
            checkMessage(e.message);
          }
        } else {
          outcomes.valid++;
          // What passes also encodes and passes the wire check the mock server uses.
          expect(validateWire(schema, op, { ...path, ...encodeParams(op, values) })).toEqual({});
        }
      } catch (err) {
        if (!(err instanceof UsageError)) throw new Error(`${op.method} ${op.path} ${JSON.stringify(argv)}: ${String(err)}`);
        outcomes.usage++;
        checkMessage(err.message);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    if (process.env.PVECLI_FUZZ_VERBOSE) console.log(outcomes, slowest);
    expect(outcomes.valid).toBeGreaterThan(500);
    expect(outcomes.usage).toBeGreaterThan(500);
    expect(outcomes.invalid).toBeGreaterThan(500);
    expect(slowest).toBeLessThan(1000);
  });

  it('10,000 property strings: parsed, or a PropertyStringError', () => {
    const r = rng(SEED + 1);
    const formats: Array<Record<string, PropSchema>> = [];
    for (const op of pools[0][1]) for (const p of Object.values(op.parameters.properties ?? {})) {
      const f = propertyFormatOf(p);
      if (f) formats.push(f);
    }
    expect(formats.length).toBeGreaterThan(50);
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      const format = r.pick(formats);
      const keys = Object.keys(format);
      const parts: string[] = [];
      for (let k = r.int(5); k >= 0; k--) {
        const key = r.next() < 0.85 ? r.pick(keys) : randomString(r);
        const sample = sampleArg(format[key] ?? {});
        const value = mutate(r, Array.isArray(sample) ? sample[0] : sample ?? randomString(r));
        parts.push(r.next() < 0.2 ? value : `${key}=${value}`);
      }
      const text = parts.join(r.pick([',', ',', ',', ', ', ';']));
      try {
        const obj = parsePropertyString(format, text, 'p');
        expect(typeof obj).toBe('object');
        parsed++;
      } catch (err) {
        if (!(err instanceof PropertyStringError)) throw new Error(`${JSON.stringify(text)}: ${String(err)}`);
        checkMessage(err.message);
      }
    }
    expect(parsed).toBeGreaterThan(1000);
  });
});

/**
 * Generated from the schema over all PVE 9.2 operations: a parameter set made from each operation's schema
 * (required parameters plus a sample of optional ones) passes parseArgs + validateParams; mutations (wrong type,
 * out of range, bad enum, missing required, unknown property-string key) are refused, naming the parameter.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { UsageError } from '../../src/errors';
import { encodeParams, parseArgs, propertyFormatOf, validateParams, validateWire } from '../../src/params';
import { pathParamNames } from '../../src/params/argv';
import { typeOf } from '../../src/params/coerce';
import { sampleArg } from '../../src/params/samples';
import { loadSchema, type Schema } from '../../src/schema/load';
import type { Operation, PropSchema } from '../../src/schema/types';
import { METHODS } from '../../src/schema/types';

function operationsOf(s: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path] of s.index.entries) {
    for (const m of METHODS) {
      const op = s.operation(path, m);
      if (op) out.push(op);
    }
  }
  return out;
}

let schema = loadSchema('pve-9.2');
const ops = operationsOf(schema);

/** Deterministic "sample of optional parameters": every third one, by name order. */
function flagName(name: string, prop: PropSchema): string {
  return prop['x-family'] ? `${prop['x-family'].prefix}0` : name;
}

const missingSamples = new Set<string>();

interface Built {
  argv: string[];
  pathValues: Record<string, string>;
}

function build(op: Operation, every = 3): Built {
  const pathParams = pathParamNames(op);
  const argv: string[] = [];
  const pathValues: Record<string, string> = {};
  const entries = Object.entries(op.parameters.properties ?? {}).sort(([a], [b]) => a.localeCompare(b));
  entries.forEach(([name, prop], i) => {
    const required = !prop.optional;
    if (!required && i % every !== 0) return;
    const sample = sampleArg(prop, name);
    if (sample === undefined) {
      if (required) missingSamples.add(`${op.method} ${op.path}: no sample for required ${name} ${JSON.stringify(prop).slice(0, 300)}`);
      return;
    }
    if (pathParams.has(name)) {
      pathValues[name] = Array.isArray(sample) ? sample[0] : sample;
      return;
    }
    const flag = flagName(name, prop);
    for (const v of Array.isArray(sample) ? sample : [sample]) argv.push(`--${flag}`, v);
  });
  return { argv, pathValues };
}

function refusal(op: Operation, argv: string[], pathValues: Record<string, string>): string | undefined {
  try {
    const values = parseArgs(op, argv);
    const errors = validateParams(schema, op, { ...pathValues, ...values });
    return errors.length ? errors.map((e) => `--${e.param}: ${e.message}`).join('\n') : undefined;
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
}

describe('every PVE 9.2 operation', () => {
  it('has 675 operations', () => expect(ops.length).toBe(675));

  it('accepts a parameter set built from its schema, and encodes it', () => {
    const failures: string[] = [];
    for (const op of ops) {
      const { argv, pathValues } = build(op);
      const refused = refusal(op, argv, pathValues);
      if (refused) failures.push(`${op.method} ${op.path} ${argv.join(' ')}: ${refused}`);
      else {
        const wire = encodeParams(op, parseArgs(op, argv));
        const wireErrors = validateWire(schema, op, { ...pathValues, ...wire });
        if (Object.keys(wireErrors).length) failures.push(`${op.method} ${op.path} wire: ${JSON.stringify(wireErrors)}`);
      }
    }
    expect(failures).toEqual([]);
    expect([...missingSamples]).toEqual([]);
  });

  it('accepts every optional parameter it can sample, too', () => {
    const failures: string[] = [];
    let flags = 0;
    for (const op of ops) {
      const { argv, pathValues } = build(op, 1);
      flags += argv.length / 2;
      const refused = refusal(op, argv, pathValues);
      if (refused) failures.push(`${op.method} ${op.path}: ${refused}`);
    }
    expect(failures).toEqual([]);
    expect(flags).toBeGreaterThan(2200);
  });

  const counts = { type: 0, range: 0, enum: 0, required: 0, propertyKey: 0 };
  it('refuses mutations, naming the parameter', () => {
    const failures: string[] = [];
    const expectRefused = (op: Operation, kind: keyof typeof counts, flag: string, argv: string[], pathValues: Record<string, string>) => {
      counts[kind]++;
      const refused = refusal(op, argv, pathValues);
      if (!refused) failures.push(`${kind}: ${op.method} ${op.path} accepted ${argv.join(' ')}`);
      else if (!refused.includes(flag)) failures.push(`${kind}: ${op.method} ${op.path}: message does not name ${flag}: ${refused}`);
    };
    for (const op of ops) {
      const { argv, pathValues } = build(op);
      const props = Object.entries(op.parameters.properties ?? {});
      const pathParams = pathParamNames(op);
      // Wrong type: a word where a number or boolean belongs.
      const typed = props.find(([n, p]) => !pathParams.has(n) && ['integer', 'number', 'boolean'].includes(typeOf(p) ?? '') && !Array.isArray(p.enum));
      if (typed) {
        const flag = flagName(typed[0], typed[1]);
        expectRefused(op, 'type', flag, [...argv, `--${flag}=notanumber`], pathValues);
      }
      // Out of range.
      const ranged = props.find(([n, p]) => !pathParams.has(n) && typeof p.minimum === 'number' && ['integer', 'number'].includes(typeOf(p) ?? ''));
      if (ranged) {
        const flag = flagName(ranged[0], ranged[1]);
        const others = argv.filter((_, i) => argv[i] !== `--${flag}` && argv[i - 1] !== `--${flag}`);
        expectRefused(op, 'range', flag, [...others, `--${flag}`, String(ranged[1].minimum! - 1)], pathValues);
      }
      // Bad enum value.
      const enumerated = props.find(([n, p]) => !pathParams.has(n) && Array.isArray(p.enum) && p.enum.some((v) => v !== null) && typeOf(p) === 'string');
      if (enumerated) {
        const flag = flagName(enumerated[0], enumerated[1]);
        const others = argv.filter((_, i) => argv[i] !== `--${flag}` && argv[i - 1] !== `--${flag}`);
        expectRefused(op, 'enum', flag, [...others, `--${flag}`, 'no-such-value'], pathValues);
      }
      // Missing required parameter (a flag, or a path value).
      const required = props.find(([, p]) => !p.optional);
      if (required) {
        const [name] = required;
        const others = argv.filter((_, i) => argv[i] !== `--${name}` && argv[i - 1] !== `--${name}`);
        const { [name]: _dropped, ...restPath } = pathValues;
        expectRefused(op, 'required', name, others, restPath);
      }
      // Unknown key in a property string.
      const ps = props.find(([n, p]) => !pathParams.has(n) && propertyFormatOf(p) && typeOf(p) === 'string' && sampleArg(p) !== undefined);
      if (ps) {
        const flag = flagName(ps[0], ps[1]);
        const others = argv.filter((_, i) => argv[i] !== `--${flag}` && argv[i - 1] !== `--${flag}`);
        expectRefused(op, 'propertyKey', flag, [...others, `--${flag}`, `${String(sampleArg(ps[1]))},zzbogus=1`], pathValues);
      }
    }
    expect(failures).toEqual([]);
    if (process.env.PVECLI_TEST_VERBOSE) console.log(counts);
    // Every kind of mutation is exercised on many operations.
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(10);
  });
});

describe('the other bundled schemas', () => {
  for (const id of ['pve-9.1', 'pve-8.4', 'pbs-4', 'pmg-6.3', 'pdm-1.1']) {
    it(`${id}: every operation accepts a parameter set built from its schema`, () => {
      const saved = schema;
      schema = loadSchema(id);
      try {
        const failures: string[] = [];
        for (const op of operationsOf(schema)) {
          const { argv, pathValues } = build(op, 1);
          const refused = refusal(op, argv, pathValues);
          if (refused) failures.push(`${op.method} ${op.path} ${argv.join(' ')}: ${refused}`);
        }
        expect(failures).toEqual([]);
      } finally {
        schema = saved;
      }
    });
  }
});

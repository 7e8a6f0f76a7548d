/**
 * Seeded, reproducible fuzzing of argv vectors and property strings over PVE 9.2 (and a slice of PBS/PMG/PDM):
 * every outcome is a valid parameter set or a UsageError / parameter errors with a one-line message; no other
 * exception. Time per case is a budget, measured by bench/fuzz-params.mjs over the same cases, not here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { UsageError } from '../../src/errors';
import { encodeParams, parseArgs, parsePropertyString, validateParams, validateWire } from '../../src/params';
import { PropertyStringError } from '../../src/params/property-string';
import { loadSchema } from '../../src/schema/load';
import { argvCase, FUZZ_SEED as SEED, operations, type Pool, propertyFormats, randomPropertyString, rng } from '../helpers/fuzz';

function checkMessage(message: string): void {
  expect(message.length).toBeGreaterThan(0);
  expect(message).not.toMatch(/\n/);
}

describe(`fuzzing (seed ${SEED})`, () => {
  const pve = loadSchema('pve-9.2');
  const others = ['pbs-4', 'pmg-6.3', 'pdm-1.1'].map((id) => loadSchema(id));
  const pools: Pool[] = [[pve, operations(pve)], ...others.map((s): Pool => [s, operations(s)])];

  it('12,000 argv vectors: valid params, or one-line usage errors', () => {
    const r = rng(SEED);
    const outcomes = { valid: 0, usage: 0, invalid: 0 };
    for (let i = 0; i < 12_000; i++) {
      const { schema, op, argv, pathValues } = argvCase(r, pools);
      try {
        const values = parseArgs(op, argv);
        const path = pathValues();
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
    }
    if (process.env.PVECLI_FUZZ_VERBOSE) console.log(outcomes);
    expect(outcomes.valid).toBeGreaterThan(500);
    expect(outcomes.usage).toBeGreaterThan(500);
    expect(outcomes.invalid).toBeGreaterThan(500);
  });

  it('10,000 property strings: parsed, or a PropertyStringError', () => {
    const r = rng(SEED + 1);
    const formats = propertyFormats(pools[0][1]);
    expect(formats.length).toBeGreaterThan(50);
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      const format = r.pick(formats);
      const text = randomPropertyString(r, format);
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

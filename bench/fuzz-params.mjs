#!/usr/bin/env node
// bench/fuzz-params: time per case of the parameter fuzzing (test/unit/fuzz-params.test.ts checks the outcomes,
// this measures the time, so no test asserts a duration). The same seeded cases, from test/helpers/fuzz.ts:
//   - 12,000 argv vectors: parseArgs + path values + validateParams (+ encode and the wire check when valid);
//   - 10,000 property strings: parsePropertyString.
// Budget: no single case takes ≥ 1,000 ms (a pathological input, such as a backtracking pattern, would hang a
// command). Median and p99 are printed beside it to show the usual cost. One process, the cases run twice and
// the second pass is timed (the first compiles the validators and warms the JIT).
// Usage: node bench/fuzz-params.mjs [--seed N]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seedArg = process.argv.indexOf('--seed');
if (seedArg > 0) process.env.PVECLI_FUZZ_SEED = process.argv[seedArg + 1];
process.env.PVECLI_SCHEMA_ROOT ??= join(root, 'schema');
const BUDGET_MS = 1000;

// The generators are TypeScript shared with the test: bundled on the fly, with the src/ modules they use, into the
// git-ignored .tmp/ inside the package (src/util/package-root.ts finds schema overlays by walking up from the module).
mkdirSync(join(root, '.tmp'), { recursive: true });
const bundle = join(mkdtempSync(join(root, '.tmp', 'bench-fuzz-')), 'fuzz.cjs');
await build({
  stdin: {
    contents: `export * from './test/helpers/fuzz';
export { encodeParams, parseArgs, parsePropertyString, validateParams, validateWire } from './src/params';
export { loadSchema } from './src/schema/load';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle,
  external: ['ajv'], nodePaths: [join(root, 'node_modules')], logLevel: 'error',
});
const f = createRequire(import.meta.url)(bundle);
rmSync(dirname(bundle), { recursive: true, force: true });

const pve = f.loadSchema('pve-9.2');
const pools = [pve, ...['pbs-4', 'pmg-6.3', 'pdm-1.1'].map((id) => f.loadSchema(id))].map((s) => [s, f.operations(s)]);

/** Each outcome counts; errors are expected outcomes here (the test checks their kind and shape). */
function argvPass() {
  const r = f.rng(f.FUZZ_SEED);
  const times = [];
  let slowest = { ms: 0, label: '' };
  for (let i = 0; i < 12_000; i++) {
    const { schema, op, argv, pathValues } = f.argvCase(r, pools);
    const started = performance.now();
    try {
      const values = f.parseArgs(op, argv);
      const path = pathValues();
      if (f.validateParams(schema, op, { ...path, ...values }).length === 0) f.validateWire(schema, op, { ...path, ...f.encodeParams(op, values) });
    } catch {
      // a usage error: timed like the rest
    }
    const ms = performance.now() - started;
    times.push(ms);
    if (ms > slowest.ms) slowest = { ms, label: `${op.method} ${op.path} ${JSON.stringify(argv).slice(0, 80)}` };
  }
  return { times, slowest };
}

function propertyPass() {
  const r = f.rng(f.FUZZ_SEED + 1);
  const formats = f.propertyFormats(pools[0][1]);
  const times = [];
  let slowest = { ms: 0, label: '' };
  for (let i = 0; i < 10_000; i++) {
    const format = r.pick(formats);
    const text = f.randomPropertyString(r, format);
    const started = performance.now();
    try {
      f.parsePropertyString(format, text, 'p');
    } catch {
      // a PropertyStringError: timed like the rest
    }
    const ms = performance.now() - started;
    times.push(ms);
    if (ms > slowest.ms) slowest = { ms, label: JSON.stringify(text).slice(0, 80) };
  }
  return { times, slowest };
}

const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];
console.log(`\nparameter fuzzing, time per case (seed ${f.FUZZ_SEED}), second pass of two, load average ${loadavg()[0].toFixed(1)}`);
console.log('cases'.padEnd(34) + 'median ms'.padStart(10) + 'p99 ms'.padStart(9) + 'max ms'.padStart(9) + 'budget'.padStart(12) + '  verdict');
let over = false;
for (const [name, pass] of [['12,000 argv vectors', argvPass], ['10,000 property strings', propertyPass]]) {
  pass();
  const { times, slowest } = pass();
  const verdict = slowest.ms < BUDGET_MS ? 'ok' : 'OVER';
  over ||= verdict !== 'ok';
  console.log(
    name.padEnd(34) + median(times).toFixed(3).padStart(10) + p99(times).toFixed(3).padStart(9) + slowest.ms.toFixed(1).padStart(9) +
      `max <${BUDGET_MS}`.padStart(12) + `  ${verdict}`,
  );
  console.log(`  slowest: ${slowest.label}`);
}
process.exitCode = over ? 1 : 0;

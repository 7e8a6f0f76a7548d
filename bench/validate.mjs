#!/usr/bin/env node
// bench/validate: what parameter parsing + validation adds to a command. Fresh `node` processes, interleaved,
// medians of N runs, NODE_EXTRA_CA_CERTS unset (bench/lib.mjs):
//   - `node -e 0`, the floor;
//   - `pvecli usage` of qemu create vs `pvecli create /nodes/pve/qemu … --dry-run` with 5 and 20 parameters
//     (budget DESIGN.md §7: a validated --dry-run ≤ 3× node -e 0, i.e. validation ≤ 10 ms over usage);
//   - in isolation: a script that loads the schema and the operation, without and with parseArgs + validateParams.
// Usage: node bench/validate.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { benchEnv, median, printRows, runInterleaved } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const node = process.execPath;
const bin = join(root, 'bin/run.js');
const home = mkdtempSync(join(tmpdir(), 'pvecli-bench-validate-'));
mkdirSync(join(root, '.tmp'), { recursive: true });
const env = benchEnv({ HOME: home, XDG_CONFIG_HOME: join(home, 'c'), XDG_CACHE_HOME: join(home, 'k'), XDG_STATE_HOME: join(home, 's') });

const params5 = ['--vmid', '100', '--memory', '2048', '--net0', 'virtio,bridge=vmbr0', '--scsi0', 'local-lvm:32', '--ostype', 'l26'];
const params20 = [
  ...params5,
  '--name', 'web01', '--cores', '4', '--sockets', '1', '--cpu', 'host', '--scsihw', 'virtio-scsi-pci',
  '--boot', 'order=scsi0;net0', '--agent', 'enabled=1', '--onboot', '1', '--numa', '0', '--balloon', '1024',
  '--description', 'bench', '--tags', 'web;prod', '--ipconfig0', 'ip=10.0.0.5/24,gw=10.0.0.1', '--net1', 'e1000,bridge=vmbr1,tag=20',
  '--serial0', 'socket',
];

// src/params as one bundled file, to show what bundling the CLI's hot path would save in module loading. Written
// inside the package: its modules find the package folder (schema, package.json) by walking up from themselves.
const bundle = join(mkdtempSync(join(root, '.tmp', 'bench-validate-')), 'params-bundle.js');
await build({
  entryPoints: [join(root, 'src/params/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  outfile: bundle, external: ['ajv'], nodePaths: [join(root, 'node_modules')], logLevel: 'error',
});

// The isolated variant: the same work the CLI does around validation, without the CLI.
const script = join(home, 'validate-only.js');
writeFileSync(
  script,
  `const [mode, ...argv] = process.argv.slice(2);
process.env.PVECLI_SCHEMA_ROOT ??= ${JSON.stringify(join(root, 'schema'))};
const { loadSchema } = require(${JSON.stringify(join(root, 'dist/src/schema/load.js'))});
const schema = loadSchema('pve-9.2');
const resolved = schema.resolve('/nodes/pve/qemu');
const op = schema.operation(resolved.template, 'POST');
if (mode !== 'none') {
  const started = performance.now();
  const params = require(mode === 'bundled' ? ${JSON.stringify(bundle)} : ${JSON.stringify(join(root, 'dist/src/params/index.js'))});
  const values = params.parseArgs(op, argv);
  const errors = params.validateParams(schema, op, { ...resolved.params, ...values });
  if (errors.length) { console.error(errors); process.exit(2); }
  params.encodeParams(op, values);
  if (process.env.BENCH_PRINT_MS) console.log((performance.now() - started).toFixed(2));
}
`,
);

const rows = runInterleaved(
  [
    { name: 'node -e 0', cmd: [node, '-e', '0'], env },
    { name: 'pvecli usage /nodes/{node}/qemu --command create -v', cmd: [node, bin, 'usage', '/nodes/{node}/qemu', '--command', 'create', '-v'], env, budget: 3 },
    { name: 'pvecli create /nodes/pve/qemu … --dry-run (5 params)', cmd: [node, bin, 'create', '/nodes/pve/qemu', ...params5, '--dry-run'], env, budget: 3 },
    { name: 'pvecli create /nodes/pve/qemu … --dry-run (20 params)', cmd: [node, bin, 'create', '/nodes/pve/qemu', ...params20, '--dry-run'], env, budget: 3 },
    { name: 'script: load schema + operation only', cmd: [node, script, 'none'], env },
    { name: 'script: + parseArgs/validate/encode (5 params)', cmd: [node, script, 'validate', ...params5], env },
    { name: 'script: + parseArgs/validate/encode (20 params)', cmd: [node, script, 'validate', ...params20], env },
    { name: 'script: + the same, src/params bundled (5 params)', cmd: [node, script, 'bundled', ...params5], env },
    { name: 'script: + the same, src/params bundled (20 params)', cmd: [node, script, 'bundled', ...params20], env },
  ],
  { runs },
);
printRows(`parameter validation, ${runs} runs each, interleaved, NODE_EXTRA_CA_CERTS unset, load average ${loadavg()[0].toFixed(1)}`, rows);
const ms = (name) => rows.find((r) => r.name.startsWith(name)).median;
const usage = ms('pvecli usage');
const only = ms('script: load schema');
console.log('\nvalidation cost (budget ≤ 10 ms over usage):');
for (const n of [5, 20]) {
  const cli = ms(`pvecli create /nodes/pve/qemu … --dry-run (${n} params)`) - usage;
  const isolated = ms(`script: + parseArgs/validate/encode (${n} params)`) - only;
  const bundled = ms(`script: + the same, src/params bundled (${n} params)`) - only;
  console.log(
    `  ${String(n).padStart(2)} params: dry-run − usage ${cli.toFixed(1)} ms; isolated ${isolated.toFixed(1)} ms ${isolated <= 10 ? 'ok' : 'OVER'}; ` +
      `bundled ${bundled.toFixed(1)} ms ${bundled <= 10 ? 'ok' : 'OVER'}`,
  );
}
// In-process figure, less exposed to process start-up noise: require + parse + validate + encode, timed inside.
console.log('\nin-process (require src/params + parse + validate + encode), median of', runs, 'fresh processes:');
for (const [label, mode, argv] of [
  ['5 params', 'validate', params5], ['20 params', 'validate', params20],
  ['5 params, bundled', 'bundled', params5], ['20 params, bundled', 'bundled', params20],
]) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(node, [script, mode, ...argv], { env: { ...env, BENCH_PRINT_MS: '1' }, encoding: 'utf8' });
    if (r.status !== 0 || !r.stdout.trim()) throw new Error(`${mode} failed: ${r.stderr}`);
    times.push(Number(r.stdout.trim()));
  }
  const m = median(times);
  console.log(`  ${label.padEnd(20)} ${m.toFixed(1).padStart(6)} ms  (min ${Math.min(...times).toFixed(1)})  ${m <= 10 ? 'ok' : 'OVER'} (budget ≤ 10 ms)`);
}

#!/usr/bin/env node
// Startup budgets (DESIGN.md §7): node -e 0 as the floor; --version ≤ 2.5×; ls, usage -v and a validated
// --dry-run ≤ 3×; completion ≤ 2.5×; and the same ratios with a schema twice the size.
// Also (information, issue 18): what loading the one bundle costs against only the part every run needs (main and
// what it imports at the top; verbs, ls, usage, completion and batch are required lazily), to judge splitting it.
// Usage: node bench/startup.mjs [--runs N]
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median, printRows, runInterleaved, runInterleavedAnswers } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const node = process.execPath;
const bin = join(root, 'bin/run.js');
const home = mkdtempSync(join(tmpdir(), 'pvecli-bench-'));
const env = (extra = {}) => benchEnv({ HOME: home, XDG_CONFIG_HOME: join(home, 'c'), XDG_CACHE_HOME: join(home, 'k'), XDG_STATE_HOME: join(home, 's'), ...extra });

const dryRun5 = ['create', '/nodes/pve/qemu', '--vmid', '100', '--memory', '2048', '--net0', 'virtio,bridge=vmbr0', '--scsi0', 'local-lvm:32', '--dry-run'];
const dryRun20 = [
  ...dryRun5.slice(0, -1),
  '--name', 'web01', '--cores', '4', '--sockets', '1', '--cpu', 'host', '--ostype', 'l26', '--scsihw', 'virtio-scsi-pci',
  '--boot', 'order=scsi0;net0', '--agent', 'enabled=1', '--onboot', '1', '--numa', '0', '--balloon', '1024',
  '--description', 'bench', '--tags', 'web;prod', '--ipconfig0', 'ip=10.0.0.5/24,gw=10.0.0.1', '--net1', 'e1000,bridge=vmbr1,tag=20',
  '--serial0', 'socket', '--dry-run',
];

function cases(schemaEnv, label) {
  return [
    { name: 'node -e 0', cmd: [node, '-e', '0'], env: env() },
    { name: `pvecli --version${label}`, cmd: [node, bin, '--version'], env: env(schemaEnv), budget: 2.5 },
    { name: `pvecli ls /nodes/pve${label}`, cmd: [node, bin, 'ls', '/nodes/pve'], env: env(schemaEnv), budget: 3 },
    { name: `pvecli usage /nodes/{node}/qemu --command create -v${label}`, cmd: [node, bin, 'usage', '/nodes/{node}/qemu', '--command', 'create', '-v'], env: env(schemaEnv), budget: 3 },
    { name: `pvecli create … --dry-run (5 params)${label}`, cmd: [node, bin, ...dryRun5], env: env(schemaEnv), budget: 3 },
    { name: `pvecli create … --dry-run (20 params)${label}`, cmd: [node, bin, ...dryRun20], env: env(schemaEnv), budget: 3 },
    { name: `pvecli __complete get /nodes/pve/q${label}`, cmd: [node, bin, '__complete', 'get', '/nodes/pve/q'], env: env(schemaEnv), budget: 2.5 },
  ];
}

// A schema twice the size: every PVE 9.2 path again under /dup, compiled into a scratch schema root.
const doubledRoot = mkdtempSync(join(tmpdir(), 'pvecli-bench-schema-'));
const { buildSchemas } = require(join(root, 'dist/src/schema/build.js'));
const { generateValidators } = require(join(root, 'dist/src/params/build-step.js'));
const { findSources } = require(join(root, 'dist/src/schema/source.js'));
const source = findSources(root).find((s) => s.id === 'pve-9.2');
const duplicate = (nodes, prefix) =>
  nodes.map((n) => ({ ...n, path: prefix + n.path, children: n.children ? duplicate(n.children, prefix) : undefined }));
const [doubled] = await buildSchemas(root, [generateValidators], {
  outRoot: doubledRoot,
  sources: [source],
  transform: (tree) => [...tree, { path: '/dup', text: 'dup', leaf: 0, children: duplicate(tree, '/dup') }],
});
console.log(`doubled schema: ${doubled.operations} operations on ${doubled.paths} paths (PVE 9.2: 675 on 449)`);

printRows(`startup, ${runs} runs each, interleaved, NODE_EXTRA_CA_CERTS unset`, runInterleaved(cases({}, ''), { runs }));
printRows('same, schema doubled', runInterleaved(cases({ PVECLI_SCHEMA_ROOT: doubledRoot }, ' [2x schema]'), { runs }));

// Completion with a cache miss (issue 16): guests of a node live from the built-in mock, a cache that cannot be
// written, so every run misses. Timed until the answer (stdout's end), which is what the shell waits for: a lookup
// that outlasts the time box finishes after it, for the next TAB.
const missEnv = env({ XDG_CACHE_HOME: '/dev/null/no-cache' });
printRows(
  'completion, cache miss, timed until the answer',
  await runInterleavedAnswers(
    [
      { name: 'node -e 0', cmd: [node, '-e', '0'], env: env() },
      { name: 'pvecli __complete get /nodes/pve/qemu/ (live, miss)', cmd: [node, bin, '__complete', 'get', '/nodes/pve/qemu/'], env: missEnv, budget: 2.5 },
      { name: 'pvecli __complete create … --storage (live, miss)', cmd: [node, bin, '__complete', 'create', '/nodes/pve/qemu', '--storage', ''], env: missEnv, budget: 2.5 },
    ],
    { runs },
  ),
);
// The bundle's eager part alone: main.ts with its lazily required modules left out, as a split build would load it.
const eager = join(home, 'main-eager.js');
await build({
  absWorkingDir: root, bundle: true, format: 'cjs', platform: 'node', target: 'node20', entryPoints: ['src/cli/main.ts'], outfile: eager, logLevel: 'error',
  external: ['@oclif/core', 'ajv', 'ajv/*', '@inquirer/prompts', 'esbuild', 'yaml', '@jmespath-community/jmespath', 'cli-table3', './verb', './ls', './usage', './complete', './batch', '../mock'],
});
const timer = join(home, 'require-time.js');
writeFileSync(timer, 'const t = performance.now(); require(process.argv[2]); console.log(performance.now() - t);');
const requireMs = (file) => median(Array.from({ length: runs }, () => Number(spawnSync(node, [timer, file], { env: env(), encoding: 'utf8' }).stdout)));
const full = join(root, 'dist/pvecli.js');
const [fullMs, eagerMs] = [requireMs(full), requireMs(eager)];
console.log(`\nbundle (information): require of dist/pvecli.js (${(statSync(full).size / 1024).toFixed(0)} KB) ${fullMs.toFixed(1)} ms; ` +
  `of its eager part alone (${(statSync(eager).size / 1024).toFixed(0)} KB) ${eagerMs.toFixed(1)} ms (medians of ${runs}); load average ${loadavg()[0].toFixed(1)}`);

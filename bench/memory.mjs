#!/usr/bin/env node
// DESIGN.md §7: peak RSS of any one-shot command ≤ 80 MB. Measured with GNU time (%M, max resident set in KiB).
// The commands run against the built-in mock (in-process), so `get` and `create` include the mock server too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/run.js');
if (!existsSync('/usr/bin/time')) {
  console.error('needs GNU time: apt-get install -y time');
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), 'pvecli-mem-'));
const env = benchEnv({ HOME: home, XDG_CONFIG_HOME: join(home, 'c'), XDG_CACHE_HOME: join(home, 'k'), XDG_STATE_HOME: join(home, 's'), NO_COLOR: '1' });
const BUDGET_MB = 80;
const commands = [
  ['--version'],
  ['ls', '/nodes/pve/qemu/100'],
  ['usage', '/nodes/{node}/qemu', '--command', 'create', '-v'],
  ['create', '/nodes/pve/qemu', '--vmid', '100', '--memory', '2048', '--net0', 'virtio,bridge=vmbr0', '--scsi0', 'local-lvm:32', '--dry-run'],
  ['get', '/cluster/resources', '-o', 'json'],
  ['create', '/nodes/pve/qemu', '--vmid', '900', '--name', 'mem'],
  ['delete', '/nodes/pve/qemu/900'],
  ['task', 'list'],
  ['profile', 'list'],
  ['__complete', 'get', '/nodes/'],
];

function peakKiB(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, ...args], { env, encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').pop();
  return Number(last);
}

console.log('command'.padEnd(70) + 'peak RSS MB'.padStart(12) + '  budget');
let over = 0;
for (const args of commands) {
  const mb = median([1, 2, 3].map(() => peakKiB(args))) / 1024;
  if (mb > BUDGET_MB) over++;
  console.log(`pvecli ${args.join(' ')}`.slice(0, 69).padEnd(70) + mb.toFixed(1).padStart(12) + `  ≤${BUDGET_MB} ${mb <= BUDGET_MB ? 'ok' : 'OVER'}`);
}
process.exitCode = over ? 1 : 0;

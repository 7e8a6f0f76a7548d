#!/usr/bin/env node
// DESIGN.md §7: peak RSS of any one-shot command ≤ 80 MB. Measured with GNU time (%M, max resident set in KiB).
// The first commands run against the built-in mock (in-process), so `get` and `create` include the mock server too.
// Then a long result in every output format: a 10,000-line task log (438 KB of JSON) fetched as data from
// `pvecli mock serve` in a process of its own, so the figures are the client's alone; and 40,000 lines, held to
// the same 80 MB in every format (issue 18). Also the time budget of -o yaml: ≤ 2× -o json for the 10,000 lines.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median, printRows, runInterleaved } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/run.js');
if (!existsSync('/usr/bin/time')) {
  console.error('needs GNU time: apt-get install -y time');
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), 'pvecli-mem-'));
const env = benchEnv({ HOME: home, XDG_CONFIG_HOME: join(home, 'c'), XDG_CACHE_HOME: join(home, 'k'), XDG_STATE_HOME: join(home, 's'), NO_COLOR: '1', PVECLI_BENCH_SECRET: 'SECRET' });
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

/** `mustSucceed`: a failing run would measure its error path, not the command. */
function peakKiB(args, runEnv = env, mustSucceed = false) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, ...args], { env: runEnv, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (mustSucceed && r.status !== 0) throw new Error(`pvecli ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const last = r.stderr.trim().split('\n').pop();
  return Number(last);
}

let over = 0;
function report(title, list, { runEnv = env, mustSucceed = false, label = (args) => `pvecli ${args.join(' ')}` } = {}) {
  console.log(`\n${title}`);
  console.log('command'.padEnd(70) + 'peak RSS MB'.padStart(12) + '  budget');
  for (const args of list) {
    const mb = median([1, 2, 3].map(() => peakKiB(args, runEnv, mustSucceed))) / 1024;
    const verdict = mb <= BUDGET_MB ? 'ok' : 'OVER';
    if (verdict === 'OVER') over++;
    console.log(label(args).slice(0, 69).padEnd(70) + mb.toFixed(1).padStart(12) + `  ≤${BUDGET_MB} ${verdict}`);
  }
}

report('one-shot commands (built-in mock, in-process)', commands);

/** `pvecli mock serve` on a free port; resolves to its URL and certificate fingerprint. */
function serveMock(token) {
  const server = spawn(process.execPath, [bin, 'mock', 'serve', '--port', '0', '-o', 'json', '--token', token], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    server.once('exit', (code) => reject(new Error(`mock serve exited ${code}`)));
  });
  return { server, ready };
}

/** A task with an N-line log, from the mock-only `POST /mock/task` (not in the schema, so not through pvecli). */
function mockTask(url, authorization, lines) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api2/json/mock/task`, { method: 'POST', rejectUnauthorized: false, headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body).data) : reject(new Error(`POST /mock/task: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end(`result=ok&lines=${lines}`);
  });
}

const { server, ready } = serveMock('root@pam!bench=env:PVECLI_BENCH_SECRET');
try {
  const { url, fingerprint } = await ready;
  const remote = { ...env, PROXMOX_API_URL: url, PROXMOX_API_FINGERPRINT: fingerprint, PROXMOX_API_TOKEN_ID: 'root@pam!bench', PROXMOX_API_TOKEN_SECRET: 'SECRET' };
  const run = (args) => spawnSync(process.execPath, [bin, ...args], { env: remote, encoding: 'utf8', maxBuffer: 1 << 26 });
  const finished = (upid) => {
    if (!upid.startsWith('UPID:') || run(['task', 'wait', upid, '-q']).status !== 0) throw new Error(`no finished task (${upid})`);
    return upid;
  };
  const logCommands = (upid) => {
    const log = ['get', `/nodes/pve/tasks/${upid}/log`, '--limit', '1000000'];
    return [
      ...['text', 'table', 'yaml', 'json', 'json-pretty'].map((format) => [...log, '-o', format]),
      [...log, '-o', 'yaml', '--fields', 't,n', '--sort', '-n'],
      ['task', 'log', upid],
    ];
  };
  const jsonKiB = (upid) => (run(['get', `/nodes/pve/tasks/${upid}/log`, '--limit', '1000000', '-o', 'json']).stdout.length / 1024).toFixed(0);
  const label = (upid) => (args) => `pvecli ${args.join(' ').replace(upid, '$UPID')}`;

  // The mock gives a guest named long-log a 10,000-line task log: the case of the budget.
  const upid = finished(run(['create', '/nodes/pve/qemu', '--vmid', '900', '--name', 'long-log', '--async']).stdout.trim());
  report(`a 10,000-line task log (${jsonKiB(upid)} KiB of JSON) from \`mock serve\`; get /version is the floor`, [['get', '/version'], ...logCommands(upid)], {
    runEnv: remote,
    mustSucceed: true,
    label: label(upid),
  });
  const log = ['get', `/nodes/pve/tasks/${upid}/log`, '--limit', '1000000'];
  const timed = runInterleaved(
    [
      { name: 'pvecli get $LOG -o json (10,000 rows)', cmd: [process.execPath, bin, ...log, '-o', 'json'], env: remote },
      { name: 'pvecli get $LOG -o yaml (10,000 rows)', cmd: [process.execPath, bin, ...log, '-o', 'yaml'], env: remote, budget: 2 },
    ],
    { runs: 9 },
  );
  printRows('time of the 10,000-line log, 9 runs each, interleaved', timed);
  const yamlRatio = timed[1].median / timed[0].median;
  if (yamlRatio > 2) over++;
  console.log(`budget: -o yaml of 10,000 rows ≤ 2× -o json: ${timed[1].median.toFixed(0)} / ${timed[0].median.toFixed(0)} ms = ${yamlRatio.toFixed(2)}× ${yamlRatio <= 2 ? 'ok' : 'OVER'}`);
  // Four times as long: every format within the same budget, the growth about the data's own (json), not more.
  const longer = finished(await mockTask(url, 'PVEAPIToken=root@pam!bench=SECRET', 40_000));
  report(`40,000 lines (${jsonKiB(longer)} KiB of JSON): every format ≤ ${BUDGET_MB} MB`, logCommands(longer), {
    runEnv: remote,
    mustSucceed: true,
    label: label(longer),
  });
} finally {
  server.kill();
}
console.log(`\nload average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared)`);
console.log(over ? `${over} budget line(s) OVER` : 'every budget line ok');
process.exitCode = over ? 1 : 0;

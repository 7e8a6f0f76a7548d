#!/usr/bin/env node
// Upload of 1 GiB to `pvecli mock serve` over loopback HTTPS (DESIGN.md §7: ≥ 200 MB/s, client RSS ≤ 80 MB).
// The mock runs in its own process; the client is bin/run.js under /usr/bin/time for its peak RSS.
// Usage: node bench/upload.mjs [--runs N] [--mib SIZE]   (npm run build first)
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { benchEnv, median } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 10);
const MIB = arg('mib', 1024);
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/run.js');
const TOKEN = 'root@pam!bench';
const SECRET = 'bench-secret-0000';

const dir = mkdtempSync(join(tmpdir(), 'pvecli-upload-bench-'));
const file = join(dir, 'bench.iso');

/** Random bytes, not a sparse file: the client really reads them from the page cache or the disk. */
async function makeFile() {
  const block = randomBytes(1 << 20);
  const out = createWriteStream(file);
  for (let i = 0; i < MIB; i++) if (!out.write(block)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function startMock() {
  const child = spawn(process.execPath, [BIN, 'mock', 'serve', '--port', '0', '--token', `${TOKEN}=env:PVECLI_BENCH_SECRET`, '--task-duration', '0', '-o', 'json'], {
    env: benchEnv({ XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir, PVECLI_BENCH_SECRET: SECRET }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  for await (const chunk of child.stdout) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return { child, ...JSON.parse(text) };
}

/** One upload: seconds of wall time and the client's peak RSS in MB. */
function upload(mock, extra) {
  const env = benchEnv({
    PROXMOX_API_URL: mock.url,
    PROXMOX_API_TOKEN_ID: TOKEN,
    PROXMOX_API_TOKEN_SECRET: SECRET,
    PROXMOX_API_FINGERPRINT: mock.fingerprint,
    XDG_CONFIG_HOME: dir,
    XDG_CACHE_HOME: dir,
  });
  const cmd = ['-f', '%M %e', process.execPath, BIN, 'create', '/nodes/pve/storage/local/upload', '--content', 'iso', '--filename', file, '-q', ...extra];
  const r = spawnSync('/usr/bin/time', cmd, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`upload exited ${r.status}: ${r.stderr}`);
  const [kb, secs] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { secs, rssMB: kb / 1024 };
}

await makeFile();
const mock = await startMock();
const bytes = MIB * 2 ** 20;
const sha = spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];
try {
  const cases = [
    { name: `upload ${MIB} MiB, checksum given (--checksum)`, extra: ['--checksum', sha] },
    { name: `upload ${MIB} MiB, default SHA-256 pass first`, extra: [] },
  ];
  const results = cases.map(() => []);
  upload(mock, cases[0].extra); // warm-up
  for (let i = 0; i < RUNS; i++) cases.forEach((c, j) => results[j].push(upload(mock, c.extra)));
  console.log(`\nupload to the mock over loopback HTTPS, ${RUNS} runs, medians (budget: ≥ 200 MB/s, client RSS ≤ 80 MB)`);
  console.log('case'.padEnd(50) + 'MB/s'.padStart(8) + 'peak RSS MB'.padStart(14) + '  verdict');
  for (const [j, c] of cases.entries()) {
    const rate = bytes / 1e6 / median(results[j].map((r) => r.secs));
    const rss = Math.max(...results[j].map((r) => r.rssMB));
    const verdict = rate >= 200 && rss <= 80 ? 'ok' : 'OVER';
    console.log(c.name.padEnd(50) + rate.toFixed(0).padStart(8) + rss.toFixed(1).padStart(14) + `  ${verdict}`);
  }
  console.log('(MB/s: the file size over the whole command, start-up and task wait included; RSS: the maximum over the runs)');
} finally {
  mock.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

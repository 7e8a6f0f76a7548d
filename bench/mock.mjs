#!/usr/bin/env node
// bench/mock: requests per second of `GET /nodes` against `pvecli mock serve` over keep-alive HTTPS (loopback
// only, bounded loops), from one connection and from 8 concurrent connections, and the server's RSS after
// 10,000 and after 100,000 requests. Budgets (DESIGN.md §7): ≥ 3,000 req/s with 8 connections; RSS growth ≤ 20%.
// The load comes from autocannon in a process of its own (bench/mock-load.mjs): in the server's process it took
// the server's time on a 2-core machine and made the mock look slower than it is.
// Usage: node bench/mock.mjs [--requests 100000] [--runs 3]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOTAL = arg('--requests', 100_000);
const RUNS = arg('--runs', 3);
// The secret by reference: a literal one would be visible in ps, and mock serve would say so.
const TOKEN = 'root@pam!bench=env:PVECLI_BENCH_SECRET';

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'mock', 'serve', '--port', '0', '-o', 'json', '--token', TOKEN], {
      env: benchEnv({ XDG_STATE_HOME: join(root, '.tmp/bench-mock-state'), PVECLI_BENCH_SECRET: 'bench-secret' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, ...JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`mock serve exited ${code}`)));
  });
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** `count` requests over `connections` keep-alive connections from the load process; returns requests per second. */
function run(url, connections, count) {
  const out = execFileSync(process.execPath, [join(root, 'bench/mock-load.mjs'), url, String(connections), String(count)], { env: benchEnv(), encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop());
  if (r.errors || r.non2xx) throw new Error(`load generator: ${r.errors} errors, ${r.non2xx} non-2xx replies`);
  return r.rps;
}

const server = await startServer();
try {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  // Requests are counted from the start: RSS is read at 10,000 (after warm-up) and at TOTAL.
  run(server.url, 8, 10_000);
  const rss10k = rssMiB(server.child.pid);
  let sent = 10_000;
  const single = [];
  const multi = [];
  for (let i = 0; i < RUNS; i++) {
    single.push(run(server.url, 1, 3_000));
    multi.push(run(server.url, 8, 10_000));
    sent += 13_000;
  }
  if (TOTAL > sent) run(server.url, 8, TOTAL - sent);
  const rss100k = rssMiB(server.child.pid);
  const growth = (rss100k / rss10k - 1) * 100;
  const rps1 = median(single);
  const rps8 = median(multi);
  console.log(`mock serve, GET /nodes over keep-alive HTTPS (loopback), load from autocannon in its own process, medians of ${RUNS} runs`);
  console.log(`  load average before: ${load}; after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared)`);
  console.log(`  1 connection : ${rps1.toFixed(0).padStart(6)} req/s`);
  console.log(`  budget: 8 connections ≥ 3000 req/s: ${rps8.toFixed(0)} req/s ${rps8 >= 3000 ? 'ok' : 'OVER'}`);
  console.log(`  server RSS after 10,000 requests: ${rss10k.toFixed(1)} MiB; after ${TOTAL.toLocaleString('en')}: ${rss100k.toFixed(1)} MiB`);
  console.log(`  budget: RSS growth ≤ 20%: ${growth.toFixed(1)}% ${growth <= 20 ? 'ok' : 'OVER'}`);
} finally {
  server.child.kill('SIGTERM');
}

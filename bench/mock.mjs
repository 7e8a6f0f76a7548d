#!/usr/bin/env node
// bench/mock: requests per second of `GET /nodes` against `pvecli mock serve` over keep-alive HTTPS (loopback
// only, bounded loops), from one connection and from 8 concurrent connections, and the server's RSS after
// 10,000 and after 100,000 requests. Budgets (DESIGN.md §7): ≥ 3,000 req/s with 8 connections; RSS growth ≤ 20%.
// Usage: node bench/mock.mjs [--requests 100000] [--runs 3]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
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

function makeClient(url, connections) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: connections, rejectUnauthorized: false });
  const target = new URL('/api2/json/nodes', url);
  const headers = { Authorization: 'PVEAPIToken=root@pam!bench=bench-secret' };
  const once = () =>
    new Promise((resolve, reject) => {
      const req = https.request(target, { agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  return { once, agent };
}

/** `count` requests over `connections` concurrent keep-alive loops; returns requests per second. */
async function run(client, connections, count) {
  let left = count;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (left > 0) {
        left--;
        await client.once();
      }
    }),
  );
  return count / (Number(process.hrtime.bigint() - t) / 1e9);
}

const server = await startServer();
try {
  const one = makeClient(server.url, 1);
  const eight = makeClient(server.url, 8);
  // Requests are counted from the start: RSS is read at 10,000 (after warm-up) and at TOTAL.
  await run(eight, 8, 10_000);
  const rss10k = rssMiB(server.child.pid);
  let sent = 10_000;
  const single = [];
  const multi = [];
  for (let i = 0; i < RUNS; i++) {
    single.push(await run(one, 1, 3_000));
    multi.push(await run(eight, 8, 10_000));
    sent += 13_000;
  }
  if (TOTAL > sent) await run(eight, 8, TOTAL - sent);
  const rss100k = rssMiB(server.child.pid);
  const growth = (rss100k / rss10k - 1) * 100;
  const rps1 = median(single);
  const rps8 = median(multi);
  console.log(`mock serve, GET /nodes over keep-alive HTTPS (loopback), medians of ${RUNS} runs`);
  console.log(`  1 connection : ${rps1.toFixed(0).padStart(6)} req/s`);
  console.log(`  8 connections: ${rps8.toFixed(0).padStart(6)} req/s   budget ≥ 3000   ${rps8 >= 3000 ? 'ok' : 'OVER'}`);
  console.log(`  server RSS after 10,000 requests: ${rss10k.toFixed(1)} MiB; after ${TOTAL.toLocaleString('en')}: ${rss100k.toFixed(1)} MiB`);
  console.log(`  RSS growth: ${growth.toFixed(1)}%   budget ≤ 20%   ${growth <= 20 ? 'ok' : 'OVER'}`);
  one.agent.destroy();
  eight.agent.destroy();
} finally {
  server.child.kill('SIGTERM');
}

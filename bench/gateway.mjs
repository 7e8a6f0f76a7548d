#!/usr/bin/env node
// bench/gateway: `pvecli serve` against DESIGN.md §8's budgets, on loopback, bounded in requests and time.
//   mock mode: GET /nodes over 8 keep-alive connections (autocannon, a process of its own), and the gateway's RSS
//              after 10,000 and after --requests requests;
//   real mode in front of `pvecli mock serve` (HTTPS, pinned): the latency the gateway adds over calling the mock
//              directly (median and p99 of sequential requests, measured by this script run as a child process),
//              and its throughput over 8 connections as a share of the direct one.
// Usage: node bench/gateway.mjs [--requests 100000] [--latency 2000] [--runs 3]   (after npm run build)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOKEN_ID = 'root@pam!bench';
const SECRET = 'bench-secret';
const DIRECT_AUTH = `PVEAPIToken=${TOKEN_ID}=${SECRET}`;
/** No load run may take longer than this; a child that does is killed and the bench fails. */
const RUN_LIMIT_MS = 120_000;

// Child mode: `node bench/gateway.mjs --latency-client URL N AUTH` prints the sorted latencies (ms) of N
// sequential keep-alive requests as JSON; a process apart from the servers, like autocannon.
if (process.argv[2] === '--latency-client') {
  const [url, n, auth] = process.argv.slice(3);
  const mod = url.startsWith('https:') ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
  const headers = auth ? { Authorization: auth } : {};
  const once = () =>
    new Promise((resolve, reject) => {
      const t = process.hrtime.bigint();
      mod
        .get(url, { agent, headers }, (res) => {
          res.on('data', () => {});
          res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`status ${res.statusCode}`))));
        })
        .on('error', reject);
    });
  for (let i = 0; i < 200; i++) await once();
  const times = [];
  for (let i = 0; i < Number(n); i++) times.push(await once());
  agent.destroy();
  console.log(JSON.stringify(times.sort((a, b) => a - b)));
  process.exit(0);
}

const TOTAL = arg('--requests', 100_000);
const LATENCY = arg('--latency', 2_000);
const RUNS = arg('--runs', 3);
const children = [];

/** Start a server and resolve with what its first line of `stream` says (mock serve: stdout; serve: stderr). */
function start(args, env, stream, parse) {
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), ...args], { env: benchEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    // The gateway's access log goes on after the start line: read and dropped, so the pipe never fills.
    child[stream].setEncoding('utf8').on('data', (d) => {
      if (out === null) return;
      out += d;
      const found = out.split('\n').map(parse).find(Boolean);
      if (found) {
        out = null;
        resolve({ child, ...found });
      }
    });
    child[stream === 'stdout' ? 'stderr' : 'stdout'].resume();
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

const json = (line) => {
  try {
    return line.startsWith('{') ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
};
const startMock = () => start(['mock', 'serve', '--port', '0', '-o', 'json', '--token', `${TOKEN_ID}=env:PVECLI_BENCH_SECRET`], { PVECLI_BENCH_SECRET: SECRET }, 'stdout', json);
const startGateway = (env) => start(['serve', '--port', '0'], env, 'stderr', (l) => (json(l)?.msg === 'gateway listening' ? json(l) : undefined));

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * A child process's stdout, failing on a non-zero exit or after RUN_LIMIT_MS. Not spawnSync: this process must keep
 * reading the gateways' logs meanwhile, or their full stderr pipes would hold the log lines in the gateways' memory.
 */
function output(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_LIMIT_MS });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited ${code ?? signal}: ${err}`))));
  });
}

/** `count` requests over 8 keep-alive connections by autocannon in its own process; requests per second. */
async function load(url, count, auth) {
  const args = [join(root, 'node_modules/autocannon/autocannon.js'), '-c', '8', '-a', String(count), '-j', '-t', '10'];
  if (auth) args.push('-H', `Authorization=${auth}`);
  const out = JSON.parse(await output([...args, url]));
  const failed = out.errors + out.timeouts + out.non2xx;
  if (failed) throw new Error(`autocannon: ${failed} of ${out.requests.total} requests failed on ${url}`);
  return out.requests.total / (out.duration || 1);
}

async function latencies(url, auth) {
  return JSON.parse(await output([fileURLToPath(import.meta.url), '--latency-client', url, String(LATENCY), auth ?? '']));
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const verdict = (ok) => (ok ? 'ok' : 'OVER');
const nodes = (url) => new URL('/api2/json/nodes', url).href;

try {
  const mock = await startMock();
  const env = { PROXMOX_API_URL: mock.url, PROXMOX_API_TOKEN_ID: TOKEN_ID, PROXMOX_API_TOKEN_SECRET: SECRET, PROXMOX_API_FINGERPRINT: mock.fingerprint };
  const [inMock, real] = await Promise.all([startGateway({ XDG_STATE_HOME: join(root, '.tmp/bench-gateway-state') }), startGateway({ ...env, PROXMOX_API_MODE: 'real' })]);

  // Mock mode: requests counted from the start; RSS read at 10,000 (after warm-up) and at TOTAL.
  await load(nodes(inMock.url), 10_000);
  const rss10k = rssMiB(inMock.child.pid);
  let sent = 10_000;
  const rates = [];
  for (let i = 0; i < RUNS; i++, sent += 10_000) rates.push(await load(nodes(inMock.url), 10_000));
  if (TOTAL > sent) await load(nodes(inMock.url), TOTAL - sent);
  const rssTotal = rssMiB(inMock.child.pid);
  const growth = (rssTotal / rss10k - 1) * 100;

  // Real mode: direct and through the gateway, interleaved so that machine noise hits both alike.
  const direct = [];
  const through = [];
  const directRate = [];
  const throughRate = [];
  for (let i = 0; i < RUNS; i++) {
    direct.push(await latencies(nodes(mock.url), DIRECT_AUTH));
    through.push(await latencies(nodes(real.url)));
    directRate.push(await load(nodes(mock.url), 5_000, DIRECT_AUTH));
    throughRate.push(await load(nodes(real.url), 5_000));
  }
  const added = (p) => median(through.map((t) => pct(t, p))) - median(direct.map((d) => pct(d, p)));
  const share = (median(throughRate) / median(directRate)) * 100;

  const rps = median(rates);
  console.log(`pvecli serve, GET /nodes on loopback, medians of ${RUNS} runs (budgets: DESIGN.md §8)`);
  console.log(`mock mode, 8 keep-alive connections : ${rps.toFixed(0).padStart(7)} req/s        budget ≥ 3000        ${verdict(rps >= 3000)}`);
  console.log(`mock mode, RSS after 10,000 requests: ${rss10k.toFixed(1).padStart(7)} MiB`);
  console.log(`  RSS after ${TOTAL.toLocaleString('en').padEnd(26)}: ${rssTotal.toFixed(1).padStart(7)} MiB          budget ≤ 150 MB      ${verdict(rssTotal * 1.048576 <= 150)}`);
  console.log(`  RSS growth from 10,000              : ${growth.toFixed(1).padStart(7)} %            budget ≤ 20%         ${verdict(growth <= 20)}`);
  const m = added(50);
  const p99 = added(99);
  console.log(`real mode in front of mock serve, ${LATENCY.toLocaleString('en')} sequential requests per run:`);
  console.log(`  direct median / p99                 : ${median(direct.map((d) => pct(d, 50))).toFixed(2)} / ${median(direct.map((d) => pct(d, 99))).toFixed(2)} ms`);
  console.log(`  added latency, median               : ${m.toFixed(2).padStart(7)} ms           budget ≤ 1 ms        ${verdict(m <= 1)}`);
  console.log(`  added latency, p99                  : ${p99.toFixed(2).padStart(7)} ms           budget ≤ 5 ms        ${verdict(p99 <= 5)}`);
  console.log(`  throughput, 8 connections           : ${median(throughRate).toFixed(0)} req/s vs ${median(directRate).toFixed(0)} direct`);
  console.log(`  throughput share of direct          : ${share.toFixed(0).padStart(7)} %            budget ≥ 70%         ${verdict(share >= 70)}`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}

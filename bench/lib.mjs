// Shared bench helpers: run commands interleaved, report medians and ratios to a baseline in the same run.
import { spawn, spawnSync } from 'node:child_process';

/** The sandbox sets NODE_EXTRA_CA_CERTS, which Node 20 parses at every start: budgets are taken without it. */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeOnce(cmd, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { env: env ?? benchEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * cases: [{name, cmd: [...argv], env?, budget?: ratio}], the first is the baseline.
 * Each run round-robins over all cases so machine noise hits them alike.
 */
export function runInterleaved(cases, { runs = 15, warmup = 2 } = {}) {
  const times = cases.map(() => []);
  for (let i = 0; i < warmup; i++) cases.forEach((c) => timeOnce(c.cmd, c.env));
  for (let i = 0; i < runs; i++) cases.forEach((c, j) => times[j].push(timeOnce(c.cmd, c.env)));
  const base = median(times[0]);
  const rows = cases.map((c, j) => {
    const med = median(times[j]);
    const ratio = med / base;
    const verdict = c.budget ? (ratio <= c.budget ? 'ok' : 'OVER') : '';
    return { name: c.name, median: med, ratio, budget: c.budget, verdict };
  });
  return rows;
}

export function printRows(title, rows) {
  console.log(`\n${title}`);
  console.log('case'.padEnd(58) + 'median ms'.padStart(10) + 'ratio'.padStart(8) + 'budget'.padStart(8) + '  verdict');
  for (const r of rows) {
    console.log(
      r.name.padEnd(58) + r.median.toFixed(1).padStart(10) + (r.ratio.toFixed(2) + 'x').padStart(8) +
        (r.budget ? `≤${r.budget}x` : '').padStart(8) + '  ' + r.verdict,
    );
  }
}

/** Milliseconds until the command's stdout ends: what a shell waits for (`$(…)`), which may be before it exits. */
function answerOnce(cmd, env) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), { env: env ?? benchEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', () => undefined);
    child.stdout.on('end', () => resolve(Number(process.hrtime.bigint() - t) / 1e6));
    child.on('error', reject);
  });
}

/** runInterleaved, timing each case until its answer (stdout's end) instead of its exit. */
export async function runInterleavedAnswers(cases, { runs = 15, warmup = 2 } = {}) {
  const times = cases.map(() => []);
  for (let i = 0; i < warmup; i++) for (const c of cases) await answerOnce(c.cmd, c.env);
  for (let i = 0; i < runs; i++) for (const [j, c] of cases.entries()) times[j].push(await answerOnce(c.cmd, c.env));
  const base = median(times[0]);
  return cases.map((c, j) => {
    const med = median(times[j]);
    const ratio = med / base;
    return { name: c.name, median: med, ratio, budget: c.budget, verdict: c.budget ? (ratio <= c.budget ? 'ok' : 'OVER') : '' };
  });
}

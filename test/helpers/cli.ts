import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const BIN = join(ROOT, 'bin/run.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh HOME with XDG dirs, so no test sees the developer's config, cache or mock state. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'pvecli-test-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local/state'),
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    // Completion answers from the schema once ~90 ms have passed (its budget, measured by bench/startup.mjs); on
    // a loaded test machine that would leave out the live values the tests look for.
    PVECLI_COMPLETE_WAIT_MS: '20000',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Spawn bin/run.js like a user does; no TTY, stdin closed unless `input` is given. */
export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    input?: string;
    timeoutMs?: number;
    onSpawn?: (pid: number) => void;
    /** Called with all stderr so far on every chunk, so a test can act when a line appears. */
    onStderr?: (stderrSoFar: string) => void;
  } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: opts.env ?? isolatedEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr);
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    if (child.pid && opts.onSpawn) opts.onSpawn(child.pid);
    // Below vitest's testTimeout (60 s), so a hung child ends with its output in the failure, not a bare timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

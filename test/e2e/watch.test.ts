import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';
import { hasTmux, TmuxSession } from '../helpers/tmux';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 200 });
});
afterAll(async () => {
  await mock?.close();
});

/** Spawns a watch with stdout a pipe; `lines()` is what it printed so far, one JSON document a line. */
function watchPiped(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: mock.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const lines = () => stdout.split('\n').filter(Boolean);
  const until = async (test: () => boolean, what: string) => {
    const end = Date.now() + 30_000;
    while (!test()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stdout:\n${stdout}\nstderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, lines, until, exited, stderr: () => stderr };
}

describe('--watch, not a terminal: one JSON document per change', () => {
  it('prints a new line when a guest changes status, nothing while it does not; Ctrl-C exits 0', async () => {
    const w = watchPiped(['get', '/cluster/resources', '--type', 'vm', '--fields', 'id,status', '-o', 'json', '--watch', '0.2']);
    await w.until(() => w.lines().length >= 1, 'the first document');
    const first = JSON.parse(w.lines()[0]) as Array<{ id: string; status: string }>;
    expect(first.find((r) => r.id === 'qemu/100')?.status).toBe('running');
    const stop = await runCli(['create', '/nodes/pve/qemu/100/status/stop'], { env: mock.env() });
    expect(stop.code, stop.stderr).toBe(0);
    await w.until(() => w.lines().length >= 2, 'a document after the change');
    const second = JSON.parse(w.lines()[1]) as Array<{ id: string; status: string }>;
    expect(second.find((r) => r.id === 'qemu/100')?.status).toBe('stopped');
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
    // Only changes are printed: no two neighbouring documents are the same.
    const lines = w.lines();
    for (let i = 1; i < lines.length; i++) expect(lines[i]).not.toBe(lines[i - 1]);
    const start = await runCli(['create', '/nodes/pve/qemu/100/status/start'], { env: mock.env() });
    expect(start.code, start.stderr).toBe(0);
  });

  it('task list --watch prints the list and ends with exit 0 on Ctrl-C', async () => {
    const w = watchPiped(['task', 'list', '-o', 'json', '--watch']);
    await w.until(() => w.lines().length >= 1, 'the task list');
    expect(Array.isArray(JSON.parse(w.lines()[0]))).toBe(true);
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });
});

describe('--watch is only for GET', () => {
  it.each([
    ['set', '/nodes/pve/qemu/100/config', '--memory', '4096'],
    ['create', '/nodes/pve/qemu/100/status/start'],
    ['delete', '/pools/prod'],
  ])('%s … --watch → exit 2, nothing sent', async (...args) => {
    const before = await runCli(['get', '/cluster/tasks', '-o', 'json'], { env: mock.env() });
    const r = await runCli([...args, '--watch'], { env: mock.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--watch is only for get/);
    const after = await runCli(['get', '/cluster/tasks', '-o', 'json'], { env: mock.env() });
    expect(JSON.parse(after.stdout).length).toBe(JSON.parse(before.stdout).length);
  });

  it('a bad interval is a usage error', async () => {
    const r = await runCli(['get', '/nodes', '--watch=0'], { env: mock.env() });
    expect(r.code).toBe(2);
  });
});

describe.skipIf(!hasTmux)('--watch on a terminal', () => {
  it('redraws in place on the alternate screen, at least three times, and Ctrl-C restores the screen with exit 0', async () => {
    const t = new TmuxSession(['get', '/nodes', '--watch', '0.2'], mock.env());
    try {
      // Each redraw starts at the top-left corner; the first comes right after the switch to the alternate screen.
      const redraws = (raw: string) => raw.split('\x1b[H').length - 1;
      await t.waitFor((_, raw) => redraws(raw) >= 4, 'three redraws after the first');
      const screen = t.screen();
      expect(screen).toMatch(/Every 0\.2s: GET \/nodes {3}last refresh \d\d:\d\d:\d\d/);
      expect(screen).toMatch(/pve2/);
      const raw = t.raw();
      expect(raw).toContain('\x1b[?1049h');
      // No full clear between frames (no flicker): lines are cleared to their end, the rest below the last one.
      expect(raw).not.toContain('\x1b[2J');
      expect(raw).toContain('\x1b[K');
      t.keys('C-c');
      const after = await t.waitFor((s) => /EXIT=\d+/.test(s), 'the exit code');
      expect(after).toMatch(/EXIT=0/);
      expect(t.raw()).toContain('\x1b[?1049l');
      expect(t.stty().after).toBe(t.stty().before);
    } finally {
      t.kill();
    }
  });
});

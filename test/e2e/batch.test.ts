import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;
let slow: Mock;

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 300 });
  slow = await startTestMock({ taskDuration: 8000 });
});
afterAll(async () => {
  await mock?.close();
  await slow?.close();
});

interface Answer {
  line: number;
  ok: boolean;
  exit?: number;
  error?: string;
  hint?: string;
  upid?: string;
  data?: unknown;
}

const answers = (stdout: string): Answer[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Answer);

function batchFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pvecli-batch-')), 'commands.txt');
  writeFileSync(file, text);
  return file;
}

describe('pvecli batch: one JSON object per command', () => {
  it('mixed verbs, quoting and comments; a failing line answers with its exit code and the batch goes on (stdin)', async () => {
    const input = [
      '# pools for the lab',
      "create /pools --poolid batch1 --comment 'first pool'",
      '',
      'set /pools/batch1 --comment "said \\"hello\\" and left"   # double quotes, escaped quotes',
      'set /pools/batch1 --comment it\\\'s\\ escaped',
      'get /pools/batch1 --fields comment',
      'get /nodes/nosuch/status',
      'pvecli get /version --query version',
      'delete /pools/batch1',
    ].join('\n');
    const r = await runCli(['batch', '-'], { env: mock.env(), input });
    const out = answers(r.stdout);
    expect(out.map((a) => [a.line, a.ok])).toEqual([
      [2, true],
      [4, true],
      [5, true],
      [6, true],
      [7, false],
      [8, true],
      [9, true],
    ]);
    expect(out[3].data).toEqual({ comment: "it's escaped" });
    expect(out[4]).toMatchObject({ exit: 7 });
    expect(out[4].error).toMatch(/nosuch/);
    expect(out[5].data).toBe('9.2.0');
    // The exit code is the first failure's.
    expect(r.code).toBe(7);
  });

  it('double quotes keep spaces and escaped quotes; single quotes keep everything', async () => {
    const input = [
      'create /pools --poolid batch2',
      'set /pools/batch2 --comment "said \\"hello\\" and $ left"',
      'get /pools/batch2 --fields comment',
      "set /pools/batch2 --comment 'a $HOME and a \\ stay'",
      'get /pools/batch2 --fields comment',
    ].join('\n');
    const r = await runCli(['batch'], { env: mock.env(), input });
    const out = answers(r.stdout);
    expect(r.code).toBe(0);
    expect(out[2].data).toEqual({ comment: 'said "hello" and $ left' });
    expect(out[4].data).toEqual({ comment: 'a $HOME and a \\ stay' });
  });

  it('an unquoted $VAR is refused, not sent literally; other commands are refused per line', async () => {
    const input = ['get /nodes/$NODE/status', 'ls /nodes', 'task list', 'get /version -p other', 'get /version --fields nosuch'].join('\n');
    const r = await runCli(['batch', '-'], { env: mock.env(), input });
    const out = answers(r.stdout);
    // The last was sent and answered: a field its reply lacks is exit 10 (DESIGN.md §4), not a usage error.
    expect(out.map((a) => a.exit)).toEqual([2, 2, 2, 2, 10]);
    expect(out[4].error).toMatch(/^GET \/version succeeded, but its result cannot be shown: --fields: unknown field 'nosuch'/);
    expect(out[0].error).toBe("'$N…' would be expanded by a shell; batch expands nothing");
    expect(out[1].error).toBe("'ls' is not run in a batch");
    expect(out[2].error).toBe("'task list' is not run in a batch");
    expect(out[3].error).toMatch(/--profile applies to the whole batch/);
    expect(r.code).toBe(2);
  });

  it('JSON lines: objects with params and options, and arrays of words', async () => {
    const input = [
      '{"verb": "create", "path": "/pools", "params": {"poolid": "batch3", "comment": "from json"}}',
      '{"verb": "get", "path": "/pools/batch3", "options": {"fields": "comment"}}',
      '["get", "/cluster/resources", "--type", "vm", "--fields", "vmid", "--sort", "vmid"]',
      '{"verb": "get", "path": "/pools/batch3", "bogus": 1}',
      '{"verb": "get", ',
    ].join('\n');
    const r = await runCli(['batch', '-'], { env: mock.env(), input });
    const out = answers(r.stdout);
    expect(out[0]).toMatchObject({ line: 1, ok: true });
    expect(out[1].data).toEqual({ comment: 'from json' });
    expect((out[2].data as Array<{ vmid: number }>).map((v) => v.vmid)).toEqual([100, 101, 102, 110, 111]);
    expect(out[3]).toMatchObject({ ok: false, exit: 2 });
    expect(out[3].error).toMatch(/unknown key "bogus"/);
    expect(out[4]).toMatchObject({ ok: false, exit: 2 });
    expect(out[4].error).toMatch(/not a JSON line/);
  });

  it('a file stops at the first failure by default; --no-stop-on-error runs every line', async () => {
    const file = batchFile('get /version\nget /nodes/nosuch/status\nget /version\n');
    const stopped = await runCli(['batch', file], { env: mock.env() });
    expect(answers(stopped.stdout).map((a) => a.line)).toEqual([1, 2]);
    expect(stopped.stderr).toMatch(/batch stopped after line 2/);
    expect(stopped.code).toBe(7);
    const all = await runCli(['batch', file, '--no-stop-on-error'], { env: mock.env() });
    expect(answers(all.stdout).map((a) => a.line)).toEqual([1, 2, 3]);
    expect(all.code).toBe(7);
  });

  it('a batch file that cannot be read is a usage error before anything runs', async () => {
    const missing = await runCli(['batch', join(tmpdir(), 'pvecli-no-such-batch.txt')], { env: mock.env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^pvecli: cannot read the batch file .*: no such file$/m);
    const directory = await runCli(['batch', tmpdir()], { env: mock.env() });
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/it is a directory/);
    expect(missing.stdout + directory.stdout).toBe('');
  });

  it('--validate-first: an invalid line anywhere means nothing is sent', async () => {
    const input = 'create /pools --poolid batch4\nget /version\nset /pools/batch4 --nosuchparam 1\n';
    const r = await runCli(['batch', '-', '--validate-first'], { env: mock.env(), input });
    expect(answers(r.stdout)).toEqual([expect.objectContaining({ line: 3, ok: false, exit: 2 })]);
    expect(r.stderr).toMatch(/nothing was sent/);
    expect(r.code).toBe(2);
    const pool = await runCli(['get', '/pools/batch4'], { env: mock.env() });
    expect(pool.code).toBe(6); // the pool does not exist: nothing was sent
    expect(pool.stderr).toMatch(/batch4/);
  });

  it('-o renders each result as the command alone would; errors on stderr name the line', async () => {
    const input = 'get /version --query version\nget /nodes/nosuch/status\nget /nodes --fields node --sort node\n';
    const r = await runCli(['batch', '-o', 'json'], { env: mock.env(), input });
    expect(r.stdout).toBe('"9.2.0"\n[{"node":"pve"},{"node":"pve2"},{"node":"pve3"}]\n');
    expect(r.stderr).toMatch(/^pvecli: line 2: /m);
    expect(r.code).toBe(7);
  });
});

describe('pvecli batch: tasks', () => {
  it('a task is waited for: its log on stderr, its status the data; --async answers with the UPID, task wait follows it', async () => {
    const input = [
      'create /nodes/pve/qemu --vmid 720 --name batch-wait',
      'create /nodes/pve/qemu/720/status/start --async',
    ].join('\n');
    const r = await runCli(['batch', '-'], { env: mock.env(), input });
    const out = answers(r.stdout);
    expect(out[0]).toMatchObject({ line: 1, ok: true, data: { type: 'qmcreate', id: '720', exitstatus: 'OK' } });
    expect(out[0].upid).toMatch(/^UPID:pve:.*:qmcreate:720:/);
    expect(r.stderr).toContain('TASK OK');
    expect(out[1].ok).toBe(true);
    expect(out[1].data).toMatch(/^UPID:pve:.*:qmstart:720:/);
    const upid = String(out[1].data);
    const wait = await runCli(['batch', '-'], { env: mock.env(), input: `task wait '${upid}'\ntask status '${upid}' --fields status\ntask status UPID:bogus\n` });
    const waited = answers(wait.stdout);
    expect(waited[0]).toMatchObject({ line: 1, ok: true, data: { type: 'qmstart', exitstatus: 'OK' } });
    expect(waited[1]).toMatchObject({ line: 2, ok: true, data: { status: 'stopped' } });
    expect(waited[2]).toMatchObject({ line: 3, ok: false, exit: 2 });
    expect(wait.code).toBe(2);
  });

  it('a failed task is a failure with exit 8, its status and UPID', async () => {
    const r = await runCli(['batch', '-'], { env: mock.env(), input: 'create /nodes/pve/qemu --vmid 721 --name fail-task\n' });
    const [answer] = answers(r.stdout);
    expect(answer).toMatchObject({ ok: false, exit: 8, data: { exitstatus: expect.stringMatching(/mock failure/) } });
    expect(answer.upid).toMatch(/^UPID:/);
    expect(r.code).toBe(8);
  });

  it('Ctrl-C while a line waits for its task: that line is reported with its UPID, no further line runs, exit 130', async () => {
    let pid = 0;
    let sent = false;
    const input = 'create /nodes/pve/qemu --vmid 722 --name interrupted\nget /version\n';
    const r = await runCli(['batch', '-'], {
      env: slow.env(),
      input,
      onSpawn: (p) => (pid = p),
      // Interrupt once the wait has begun: the task's first log line has reached stderr.
      onStderr: (soFar) => {
        if (!sent && soFar.includes('\n')) {
          sent = true;
          process.kill(pid, 'SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    const out = answers(r.stdout);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ line: 1, ok: false, exit: 130 });
    expect(out[0].upid).toMatch(/^UPID:pve:.*:qmcreate:722:/);
    expect(out[0].hint).toMatch(/task log .* --follow/);
    expect(r.stderr).toMatch(/interrupted/);
    expect(r.code).toBe(130);
  });
});

/** `pvecli batch -` as a coprocess: `ask` writes a command and resolves with its answer. */
function coprocess() {
  const child = spawn(process.execPath, [BIN, 'batch', '-'], { env: mock.env(), stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = '';
  let stderr = '';
  const waiting: Array<(line: string) => void> = [];
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  const ask = (command: string) =>
    new Promise<Answer>((resolve) => {
      waiting.push((line) => resolve(JSON.parse(line) as Answer));
      child.stdin.write(command + '\n');
    });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, ask, exited, stderr: () => stderr };
}

describe('pvecli batch as a coprocess', () => {
  it('Ctrl-C while it waits for the next line: it ends at once with exit 130', async () => {
    const { child, ask, exited, stderr } = coprocess();
    expect(await ask('get /version --query version')).toMatchObject({ line: 1, ok: true, data: '9.2.0' });
    // stdin stays open: only the interrupt ends it.
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr()).toMatch(/interrupted; the batch ran no further lines/);
    child.stdin.end();
  });

  it('answers each line as soon as it reads it, before the next is written', async () => {
    const { child, ask, exited } = coprocess();
    try {
      // Each answer arrives while stdin is still open: the next command depends on it.
      const created = await ask('create /nodes/pve/qemu --vmid 723 --name coproc --async');
      expect(created.ok).toBe(true);
      const waited = await ask(`task wait '${String(created.data)}'`);
      expect(waited).toMatchObject({ line: 2, ok: true, data: { id: '723', exitstatus: 'OK' } });
      const config = await ask('get /nodes/pve/qemu/723/config --fields name');
      expect(config).toMatchObject({ line: 3, data: { name: 'coproc' } });
      const missing = await ask('get /nodes/pve/qemu/724/config');
      // Proxmox's 500 'does not exist' is exit 6 (DESIGN.md §4).
      expect(missing).toMatchObject({ line: 4, ok: false, exit: 6 });
    } finally {
      child.stdin.end();
    }
    // The last command failed: the batch's exit code is that failure's.
    expect(await exited).toBe(6);
  });
});

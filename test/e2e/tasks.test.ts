import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;
let slow: Mock;
let vmid = 500;

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 300 });
  slow = await startTestMock({ taskDuration: 8000 });
});
afterAll(async () => {
  await mock?.close();
  await slow?.close();
});

async function createVm(m: Mock, name: string, extra: string[] = []) {
  const id = vmid++;
  return { id, r: await runCli(['create', '/nodes/pve/qemu', '--vmid', String(id), '--name', name, ...extra], { env: m.env() }) };
}

describe('tasks: wait by default and exit with the result', () => {
  it('a succeeding task exits 0; log on stderr, status on stdout', async () => {
    const { id, r } = await createVm(mock, 'ok-task', ['-o', 'json']);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status).toMatchObject({ node: 'pve', type: 'qmcreate', id: String(id), status: 'stopped', exitstatus: 'OK' });
    expect(status.upid).toMatch(/^UPID:pve:/);
    expect(r.stderr).toContain('TASK OK');
    expect(r.stdout).not.toContain('TASK OK');
  });

  it('text output is one line', async () => {
    const { id, r } = await createVm(mock, 'txt');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`qmcreate ${id} on pve: OK\n`);
  });

  it('a failing task exits 8 with its message', async () => {
    const { r } = await createVm(mock, 'fail-task');
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/pvecli: task failed: mock failure requested/);
  });

  it('a task ending with warnings exits 0 with a warning line', async () => {
    const { r } = await createVm(mock, 'warn-task');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: task .* finished with warnings: 2/);
  });

  it('--wait-timeout → exit 9, the task goes on', async () => {
    // Exit 9, not 0: the wait ended before the 8 s task did (no wall-clock budget, which a loaded machine breaks).
    const { r } = await createVm(slow, 'slowpoke', ['--wait-timeout', '1']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/the task goes on/);
    expect(r.stderr).toMatch(/pvecli task wait 'UPID:pve:[^'\s]+'\n/);
    // As on Ctrl-C, the UPID of the task that goes on is stdout (issue 16 item 8).
    expect(r.stdout).toMatch(/^UPID:pve:[^\n]+:\n$/);
    expect(r.stderr).toContain(`'${r.stdout.trim()}'`);
  });

  it('-q --async still prints the UPID: it is the result (issue 16 item 8)', async () => {
    const { r } = await createVm(mock, 'quiet-async', ['--async', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^UPID:pve:[^\n]+:\n$/);
  });

  it('SIGINT while waiting → exit 130, UPID printed, the task goes on', async () => {
    let pid = 0;
    let sent = false;
    // Interrupt once the wait has begun: the task's first log line has reached stderr.
    const r = await runCli(['create', '/nodes/pve/qemu', '--vmid', String(vmid++), '--name', 'interrupted'], {
      env: slow.env(),
      onSpawn: (p) => (pid = p),
      onStderr: (soFar) => {
        if (!sent && soFar.includes('\n')) {
          sent = true;
          process.kill(pid, 'SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^UPID:pve:[^\n]+:\n$/);
    expect(r.stderr).toMatch(/interrupted; the task goes on/);
    const upid = r.stdout.trim();
    const status = await runCli(['task', 'status', upid, '-o', 'json'], { env: slow.env() });
    expect(JSON.parse(status.stdout).upid).toBe(upid);
  });

  it('--async returns the UPID at once; task wait then follows it', async () => {
    const { r } = await createVm(mock, 'async-one', ['--async']);
    expect(r.code).toBe(0);
    const upid = r.stdout.trim();
    expect(upid).toMatch(/^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:\d+:root@pam!e2e:$/);
    const w = await runCli(['task', 'wait', upid, '-o', 'json'], { env: mock.env() });
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout).exitstatus).toBe('OK');
    // The wait happened: a --fields key the status lacks is exit 10 (result not shown), not a usage error (2).
    const unshown = await runCli(['task', 'wait', upid, '-o', 'json', '--fields', 'nosuchkey'], { env: mock.env() });
    expect(unshown.code, unshown.stderr).toBe(10);
    expect(unshown.stderr).toMatch(/^pvecli: waiting for UPID:pve:.* succeeded, but its result cannot be shown: /m);
  });

  it('task wait --wait-timeout takes decimal seconds like the verbs; a non-number is a usage error', async () => {
    const { r } = await createVm(slow, 'half-second', ['--async']);
    const upid = r.stdout.trim();
    const w = await runCli(['task', 'wait', upid, '--wait-timeout', '0.5'], { env: slow.env() });
    expect(w.code).toBe(9);
    expect(w.stderr).toMatch(/still waiting for task after 0\.5 s/);
    const bad = await runCli(['task', 'wait', upid, '--wait-timeout', 'soon'], { env: slow.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--wait-timeout: 'soon' is not a positive number of seconds/);
  });

  it('task wait on three UPIDs returns the worst exit code', async () => {
    const upids: string[] = [];
    for (const name of ['w-ok', 'fail-task', 'warn-task']) {
      const { r } = await createVm(mock, name, ['--async']);
      upids.push(r.stdout.trim());
    }
    const w = await runCli(['task', 'wait', ...upids], { env: mock.env() });
    expect(w.code).toBe(8);
    expect(w.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('task wait -o json on several UPIDs prints one array in their order, -o yaml one list; one UPID stays an object', async () => {
    const upids: string[] = [];
    for (const name of ['arr-a', 'warn-task', 'arr-b']) {
      const { r } = await createVm(mock, name, ['--async']);
      upids.push(r.stdout.trim());
    }
    const json = await runCli(['task', 'wait', ...upids, '-o', 'json'], { env: mock.env() });
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout);
    expect(list.map((s: { upid: string }) => s.upid)).toEqual(upids);
    expect(list.map((s: { exitstatus: string }) => s.exitstatus)).toEqual(['OK', 'WARNINGS: 2', 'OK']);
    const yaml = await runCli(['task', 'wait', ...upids, '-o', 'yaml'], { env: mock.env() });
    const YAML = await import('yaml');
    expect(YAML.parse(yaml.stdout).map((s: { upid: string }) => s.upid)).toEqual(upids);
    const one = await runCli(['task', 'wait', upids[0], '-o', 'json'], { env: mock.env() });
    expect(JSON.parse(one.stdout)).toMatchObject({ upid: upids[0], exitstatus: 'OK' });
  });

  it('-q waits without the task log or progress; warnings and failures still reach stderr', async () => {
    const { r: ok } = await createVm(mock, 'quiet-ok', ['-q']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    expect(ok.stderr).not.toContain('TASK OK');
    const { r: warned } = await createVm(mock, 'warn-task', ['-q']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/^pvecli: warning: task UPID:\S+ finished with warnings: 2\n$/);
    const { r: failed } = await createVm(mock, 'fail-task', ['-q']);
    expect(failed.code).toBe(8);
    expect(failed.stderr).toMatch(/^pvecli: task failed: mock failure requested[^\n]*\n$/);
    const { r: started } = await createVm(mock, 'quiet-wait', ['--async']);
    const w = await runCli(['task', 'wait', started.stdout.trim(), '--quiet', '--trace'], { env: mock.env() });
    expect(w.code).toBe(0);
    expect(w.stdout).toBe('');
    const stderr = w.stderr.split('\n').filter((l) => l && !l.startsWith('trace: '));
    expect(stderr).toEqual([]);
    // Quiet does not even read the log.
    expect(w.stderr).not.toMatch(/^trace: GET \S+\/log/m);
  });

  it('a 10,000-line log arrives in order, once each, on stderr only, in few requests', async () => {
    const { r } = await createVm(mock, 'long-log', ['-o', 'json', '--trace']);
    expect(r.code).toBe(0);
    JSON.parse(r.stdout);
    const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('trace: ') && !l.startsWith('pvecli: '));
    expect(lines.length).toBeGreaterThanOrEqual(10_000);
    expect(new Set(lines).size).toBe(lines.length);
    const logRequests = r.stderr.split('\n').filter((l) => /^trace: GET \S+\/log\?/.test(l)).length;
    const statusRequests = r.stderr.split('\n').filter((l) => /^trace: GET \S+\/status /.test(l)).length;
    // lines / page size (1000) + one read per poll
    expect(logRequests).toBeLessThanOrEqual(Math.ceil(lines.length / 1000) + statusRequests);
  });

  it('task log prints the log; a malformed UPID is a usage error', async () => {
    const { r } = await createVm(mock, 'logged', ['--async']);
    const upid = r.stdout.trim();
    await runCli(['task', 'wait', upid], { env: mock.env() });
    const log = await runCli(['task', 'log', upid], { env: mock.env() });
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/TASK OK\n$/);
    const bad = await runCli(['task', 'status', 'UPID:nope'], { env: mock.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/malformed UPID/);
  });

  it("oclif's usage errors are pvecli's: a missing argument names it and says what it is", async () => {
    const r = await runCli(['task', 'status'], { env: mock.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pvecli: 'task status' needs UPID \(task id \(UPID:…\)\)\nhint: e\.g\. pvecli task status UPID:/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('task list shows recent tasks', async () => {
    const r = await runCli(['task', 'list', '-o', 'json', '--limit', '5'], { env: mock.env() });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(5);
    expect(rows[0].upid).toMatch(/^UPID:/);
  });

  it('task list shows running tasks, cluster-wide and per node; their missing endtime is no error', async () => {
    // A task that outlives the test however loaded the machine is.
    const long = await startTestMock({ taskDuration: 600_000 });
    try {
      const { r } = await createVm(long, 'still-running', ['--async']);
      const upid = r.stdout.trim();
      const table = await runCli(['task', 'list', '--running'], { env: long.env() });
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toContain(upid.slice(0, 20));
      for (const args of [['--running'], ['--node', 'pve', '--running'], ['--node', 'pve'], []]) {
        const list = await runCli(['task', 'list', ...args, '-o', 'json'], { env: long.env() });
        expect(list.code, `${args.join(' ')}: ${list.stderr}`).toBe(0);
        const row = (JSON.parse(list.stdout) as Array<{ upid: string; endtime?: number }>).find((t) => t.upid === upid);
        expect(row, args.join(' ')).toBeDefined();
        expect(row!.endtime).toBeUndefined();
      }
    } finally {
      await long.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';
import { hasTmux, TmuxSession } from '../helpers/tmux';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;
const IDS = Array.from({ length: 10 }, (_, i) => 300 + i);
const FAILING = 305;
const paths = (leaf: string) => IDS.map((id) => `/nodes/pve/qemu/${id}/${leaf}`);

interface Row {
  target: string;
  result: string;
  upid: string;
  exitcode: number;
}

async function cli(args: string[]) {
  return runCli(args, { env: mock.env() });
}

async function taskCount(): Promise<number> {
  const r = await cli(['get', '/cluster/tasks', '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).length;
}

/** Each test guest's status, read in one request. */
async function statuses(): Promise<Record<number, string>> {
  const r = await cli(['get', '/cluster/resources', '--type', 'vm', '-o', 'json']);
  const rows = JSON.parse(r.stdout) as Array<{ vmid: number; status: string }>;
  return Object.fromEntries(rows.filter((row) => IDS.includes(row.vmid)).map((row) => [row.vmid, row.status]));
}

const expected = (status: (id: number) => string) => Object.fromEntries(IDS.map((id) => [id, status(id)]));

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 300 });
  for (const id of IDS) {
    const r = await cli(['create', '/nodes/pve/qemu', '--vmid', String(id), '--name', `wave${id}`, '--tags', id % 2 ? 'web;odd' : 'db', '--memory', '512']);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await mock?.close();
});

describe('many targets in one command', () => {
  it('10 guests started with --parallel 4: one summary row each, all OK, exit 0', async () => {
    const r = await cli(['create', ...paths('status/start'), '--parallel', '4', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((row) => row.target)).toEqual(paths('status/start'));
    for (const row of rows) {
      expect(row).toMatchObject({ result: 'OK', exitcode: 0 });
      expect(row.upid).toMatch(/^UPID:pve:[^:]+:[^:]+:[^:]+:qmstart:\d+:/);
    }
    expect(await statuses()).toEqual(expected(() => 'running'));
  });

  it('one failing guest among 10 shutdowns: exit 8, its row says why, the other 9 are shut down', async () => {
    const renamed = await cli(['set', `/nodes/pve/qemu/${FAILING}/config`, '--name', 'fail-task']);
    expect(renamed.code, renamed.stderr).toBe(0);
    const r = await cli(['create', ...paths('status/shutdown'), '--parallel', '4']);
    expect(r.code, r.stderr).toBe(8);
    // The text summary: a table of target, result, UPID, in the order given.
    const lines = r.stdout.split('\n').filter((l) => /\/nodes\//.test(l));
    expect(lines).toHaveLength(10);
    lines.forEach((line, i) => expect(line).toContain(paths('status/shutdown')[i]));
    expect(lines.filter((l) => / OK /.test(l))).toHaveLength(9);
    expect(lines[IDS.indexOf(FAILING)]).toMatch(/mock failure requested/);
    // Not a terminal: one line per finished target on stderr, the failure among them.
    expect(r.stderr).toMatch(new RegExp(`/nodes/pve/qemu/${FAILING}/status/shutdown: mock failure requested`));
    expect(await statuses()).toEqual(expected((id) => (id === FAILING ? 'running' : 'stopped')));
    const back = await cli(['set', `/nodes/pve/qemu/${FAILING}/config`, '--name', `wave${FAILING}`]);
    expect(back.code, back.stderr).toBe(0);
  });

  it('an invalid target among them: exit 2 naming it, and nothing is sent', async () => {
    const before = await taskCount();
    const r = await cli(['create', ...paths('status/start').slice(0, 3), '/nodes/pve/qemu/notanid/status/start', ...paths('status/start').slice(3)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pvecli: \/nodes\/pve\/qemu\/notanid\/status\/start: /);
    expect(r.stdout).toBe('');
    expect(await taskCount()).toBe(before);
    expect(await statuses()).toEqual(expected((id) => (id === FAILING ? 'running' : 'stopped')));
  });

  it('an invalid flag value is refused before a pattern is expanded: exit 2, nothing sent', async () => {
    const before = await taskCount();
    const r = await cli(['create', '/nodes/*/qemu/*/status/start', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(await taskCount()).toBe(before);
  });

  it("a '*' pattern with --where, shown first with --dry-run: exactly the matching guests, nothing sent", async () => {
    const before = await taskCount();
    const r = await cli(['create', '/nodes/*/qemu/*/status/start', '--where', 'status=stopped', '--where', 'tags~web', '--where', 'name~^wave', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const shown = [...r.stdout.matchAll(/^POST \S+\/api2\/json(\S+)$/gm)].map((m) => m[1]);
    expect(shown).toEqual(IDS.filter((id) => id % 2 && id !== FAILING).map((id) => `/nodes/pve/qemu/${id}/status/start`));
    expect(await taskCount()).toBe(before);
  });

  it('a pattern runs on what it matches, and says so when nothing does', async () => {
    const r = await cli(['create', '/nodes/pve/qemu/30*/status/start', '--where', 'tags~db', '--where', 'status=stopped', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((row) => row.target)).toEqual(IDS.filter((id) => id % 2 === 0).map((id) => `/nodes/pve/qemu/${id}/status/start`));
    const none = await cli(['create', '/nodes/*/qemu/*/status/start', '--where', 'name=nobody']);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/no target matches .*nothing sent/);
  });

  it('a --where key no resource has, a * where no node, guest or storage stands, --where without a pattern: exit 2', async () => {
    const typo = await cli(['create', '/nodes/*/qemu/*/status/start', '--where', 'stauts=running']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no matching \/cluster\/resources entry has 'stauts'/);
    const snap = await cli(['delete', '/nodes/pve/qemu/300/snapshot/*']);
    expect(snap.code).toBe(2);
    for (const targets of [paths('status/start').slice(0, 2), paths('status/start').slice(0, 1)]) {
      const where = await cli(['create', ...targets, '--where', 'status=stopped']);
      expect(where.code).toBe(2);
      expect(where.stderr).toMatch(/--where filters the targets of a '\*' pattern/);
    }
  });

  it('--watch takes one path', async () => {
    const r = await cli(['get', ...paths('status/current').slice(0, 2), '--watch']);
    expect(r.code).toBe(2);
  });
});

describe.skipIf(!hasTmux)('many targets on a terminal', () => {
  it('more than 3 changes are asked about first: no → exit 130, nothing sent; --yes and CI ask nothing', async () => {
    const before = await taskCount();
    const asked = new TmuxSession(['create', ...paths('status/stop').slice(0, 5)], mock.env());
    try {
      await asked.waitFor((s) => /on these 5 targets\?/.test(s), 'the question');
      expect(asked.screen()).toContain(paths('status/stop')[4]);
      asked.type('n');
      asked.keys('Enter');
      const screen = await asked.waitFor((s) => /EXIT=\d+/.test(s), 'the exit code');
      expect(screen).toMatch(/cancelled; nothing sent/);
      expect(screen).toMatch(/EXIT=130/);
    } finally {
      asked.kill();
    }
    expect(await taskCount()).toBe(before);
    for (const [extra, env] of [[['--yes'], mock.env()], [[], mock.env({ CI: 'true' })]] as const) {
      const t = new TmuxSession(['create', ...paths('status/stop').slice(0, 5), ...extra], env);
      try {
        const screen = await t.waitFor((s) => /EXIT=\d+/.test(s), 'the exit code');
        expect(screen).not.toMatch(/on these 5 targets/);
        expect(screen).toMatch(/EXIT=0/);
        expect(screen).toMatch(/status\/stop +│ OK/);
      } finally {
        t.kill();
      }
    }
  });
});

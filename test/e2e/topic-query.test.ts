import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';

// --query, --sort and --fields on the topic commands, shaped as on the verbs (src/output/render).
let mock: Awaited<ReturnType<typeof startTestMock>>;
const upids: string[] = [];

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 50 });
  for (const vmid of [701, 702]) {
    const r = await runCli(['create', '/nodes/pve/qemu', '--vmid', String(vmid), '--name', `q${vmid}`, '--async'], { env: mock.env() });
    upids.push(r.stdout.trim());
  }
  await runCli(['task', 'wait', ...upids, '-q'], { env: mock.env() });
});
afterAll(async () => {
  await mock?.close();
});

describe('--query on topic commands', () => {
  it('task list: JMESPath over the rows; the default columns give way to the query', async () => {
    const r = await runCli(['task', 'list', '-o', 'json', '--query', "[?type=='qmcreate'].{u: upid, s: status}"], { env: mock.env() });
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ u: string; s: string }>;
    expect(rows.map((x) => x.u).sort()).toEqual([...upids].sort());
    expect(rows.every((x) => x.s === 'OK')).toBe(true);
  });

  it('task list keeps its own columns without --query', async () => {
    const r = await runCli(['task', 'list', '-o', 'json'], { env: mock.env() });
    expect(Object.keys(JSON.parse(r.stdout)[0])).toEqual(['upid', 'node', 'type', 'id', 'user', 'starttime', 'endtime', 'status']);
  });

  it('task list text and table keep the command\'s order (newest first), as JSON does (issue 16 item 4)', async () => {
    const json = await runCli(['task', 'list', '-o', 'json'], { env: mock.env() });
    const order = (JSON.parse(json.stdout) as Array<{ upid: string }>).map((t) => t.upid);
    for (const format of ['text', 'table']) {
      const r = await runCli(['task', 'list', '-o', format, '--fields', 'upid'], { env: mock.env() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.match(/UPID:\S+:/g), format).toEqual(order);
    }
  });

  it('task list --sort -KEY orders descending; an unknown key exits 10 (the list was fetched) naming the valid ones', async () => {
    const r = await runCli(['task', 'list', '-o', 'json', '--sort', '-id', '--query', "[?type=='qmcreate']"], { env: mock.env() });
    expect(JSON.parse(r.stdout).map((t: { id: string }) => t.id)).toEqual(['702', '701']);
    const bad = await runCli(['task', 'list', '--sort', 'vmid'], { env: mock.env() });
    expect(bad.code).toBe(10);
    expect(bad.stderr).toMatch(/^pvecli: GET \/cluster\/tasks succeeded, but its result cannot be shown: --sort: unknown key 'vmid'\nhint: valid: .*\bupid\b/m);
  });

  it('task status: a scalar query prints the value; the exit code is still the task result', async () => {
    const r = await runCli(['task', 'status', upids[0], '--query', 'exitstatus'], { env: mock.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('OK\n');
  });

  it('task wait: the query sees the one list of statuses', async () => {
    const r = await runCli(['task', 'wait', ...upids, '-o', 'json', '--query', '[].id'], { env: mock.env() });
    expect(JSON.parse(r.stdout)).toEqual(['701', '702']);
  });

  it('profile list: query and default sort and columns', async () => {
    const env = isolatedEnv();
    for (const name of ['lab10', 'lab2']) {
      await runCli(['profile', 'add', name, '--url', `https://${name}:8006`, '--token-id', 'ci@pve!cli', '--token-secret', 'env:NONE'], { env });
    }
    const names = await runCli(['profile', 'list', '-o', 'json', '--query', '[].name'], { env });
    expect(names.code, names.stderr).toBe(0);
    expect(JSON.parse(names.stdout)).toEqual(['lab10', 'lab2']);
    const reshaped = await runCli(['profile', 'list', '-o', 'json', '--query', '[].{n: name}', '--sort', 'n'], { env });
    expect(JSON.parse(reshaped.stdout)).toEqual([{ n: 'lab2' }, { n: 'lab10' }]);
    const bad = await runCli(['profile', 'list', '--query', '[?'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pvecli: --query: /);
  });

});

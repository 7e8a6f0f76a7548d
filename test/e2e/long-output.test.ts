import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';

// A long result reaches stdout in many pieces (DESIGN.md §7 peak memory): whole, in order, once each.

let mock: Awaited<ReturnType<typeof startTestMock>>;
let upid: string;
let entries: Array<{ n: number; t: string }>;

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 100 });
  // The mock gives a guest named long-log a 10,000-line task log.
  const created = await runCli(['create', '/nodes/pve/qemu', '--vmid', '900', '--name', 'long-log', '--async'], { env: mock.env() });
  upid = created.stdout.trim();
  expect((await runCli(['task', 'wait', upid, '-q'], { env: mock.env() })).code).toBe(0);
  const json = await runCli(['get', `/nodes/pve/tasks/${upid}/log`, '--limit', '100000', '-o', 'json'], { env: mock.env() });
  entries = JSON.parse(json.stdout);
});
afterAll(async () => {
  await mock?.close();
});

describe('a 10,000-line task log', () => {
  it('as json: every line', () => {
    expect(entries).toHaveLength(10_000);
    expect(entries.map((e) => e.n)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });

  it('as yaml and json-pretty: the same data', async () => {
    for (const format of ['yaml', 'json-pretty']) {
      const r = await runCli(['get', `/nodes/pve/tasks/${upid}/log`, '--limit', '100000', '-o', format], { env: mock.env() });
      expect(r.code).toBe(0);
      expect(YAML.parse(r.stdout)).toEqual(entries);
    }
  });

  it('as text and table: a line per entry, in order', async () => {
    for (const format of ['text', 'table']) {
      const r = await runCli(['get', `/nodes/pve/tasks/${upid}/log`, '--limit', '100000', '-o', format, '--noborder', '--noheader'], { env: mock.env() });
      expect(r.code).toBe(0);
      const rows = r.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s+/).slice(1).join(' '));
      expect(rows).toEqual(entries.map((e) => e.t));
    }
  });

  it('task log: every line once, in order, read page by page', async () => {
    const r = await runCli(['task', 'log', upid, '--trace'], { env: mock.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(entries.map((e) => e.t + '\n').join(''));
    expect(r.stderr.split('\n').filter((l) => /^trace: GET \S+\/log\?/.test(l)).length).toBe(11);
  });
});

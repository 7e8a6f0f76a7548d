import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';
import { hasPython, onTerminal } from '../helpers/terminal';

// Issue 16 item 2: on a terminal the table fits its width (COLUMNS here), piped output keeps every column, light.

let mock: Awaited<ReturnType<typeof startTestMock>>;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(async () => {
  await mock?.close();
});

/** The table's lines of a terminal transcript (the pty turns \n into \r\n). */
function tableLines(out: string): string[] {
  return out.split(/\r?\n/).filter((l) => /^[┌│╞├└]/.test(l));
}

describe.runIf(hasPython)('a table on a 100-column terminal', () => {
  it('get /cluster/resources --type vm: fits, keeps vmid, name, status and node, cuts nothing, names what it hid', async () => {
    const out = await onTerminal(['get', '/cluster/resources', '--type', 'vm'], { ...mock.env(), COLUMNS: '100' }, []);
    const lines = tableLines(out);
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(100);
    const header = lines[1].split('│').map((c) => c.trim());
    expect(header).toEqual(expect.arrayContaining(['vmid', 'name', 'status', 'node']));
    expect(out).not.toContain('…');
    expect(out).toMatch(/pvecli: \d+ columns \([^)]*netin[^)]*\) hidden to fit 100 columns; -o wide shows all, --fields chooses/);
  });

  it('-o wide draws every column whatever the width, with no note', async () => {
    const out = await onTerminal(['get', '/cluster/resources', '--type', 'vm', '-o', 'wide'], { ...mock.env(), COLUMNS: '100' }, []);
    const header = tableLines(out)[1].split('│').map((c) => c.trim());
    expect(header).toEqual(expect.arrayContaining(['netin', 'netout', 'diskread', 'maxdisk', 'uptime']));
    expect(out).not.toContain('hidden to fit');
  });
});

describe('piped', () => {
  it('-o text keeps every column and draws no boxes', async () => {
    const r = await runCli(['get', '/cluster/resources', '--type', 'vm', '-o', 'text'], { env: { ...mock.env(), COLUMNS: '100' } });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('hidden');
    expect(r.stdout).not.toMatch(/[│─┌└╞├]/);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual(expect.arrayContaining(['vmid', 'name', 'status', 'node', 'netin', 'netout', 'diskread', 'uptime']));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    // -o table stays boxed: that is what it is for.
    const table = await runCli(['get', '/cluster/resources', '--type', 'vm', '-o', 'table'], { env: mock.env() });
    expect(table.stdout).toMatch(/┌/);
  });
});

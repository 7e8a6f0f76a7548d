import { describe, expect, it } from 'vitest';
import { render } from '../../src/output/render';
import { loadSchema } from '../../src/schema/load';

// What `get /cluster/resources` lists: many columns, numbers, and a long free-text one.
const returns = loadSchema('pve-9.2').operation('/cluster/resources', 'GET')!.returns;
const rows = [100, 101, 102, 110].map((vmid, i) => ({
  id: `qemu/${vmid}`,
  type: 'qemu',
  vmid,
  name: `guest-${vmid}`,
  node: `pve${i + 1}`,
  status: i % 2 ? 'stopped' : 'running',
  cpu: 0.0271,
  maxcpu: 4,
  mem: 68719476736,
  maxmem: 68719476736,
  disk: 1234567890,
  maxdisk: 34359738368,
  netin: 123456789012,
  netout: 123456789012,
  diskread: 9876543210,
  diskwrite: 9876543210,
  uptime: 1234567,
  template: 0,
  tags: 'production;web;frontend;customer-facing;monitored-by-team-a',
}));

function fitted(width: number, extra: Parameters<typeof render>[1] = { format: 'text' }) {
  const notes: string[] = [];
  const out = render(rows, { returns, humanReadable: true, width, note: (l) => notes.push(l), ...extra });
  const lines = out.trimEnd().split('\n');
  const header = lines[1].split('│').map((c) => c.trim()).filter(Boolean);
  return { out, lines, header, notes };
}

describe('a list fitted to the terminal', () => {
  for (const format of ['text', 'table'] as const) {
    it(`${format}: 100 columns keep vmid, name, status and node, cut nothing, and name what was hidden`, () => {
      const { out, lines, header, notes } = fitted(100, { format });
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
      expect(header).toEqual(expect.arrayContaining(['vmid', 'id', 'name', 'node', 'status', 'type']));
      expect(out).not.toContain('…');
      // Every number shown is whole: 64.00 GiB, not 64.00…
      if (header.includes('mem')) expect(out).toContain('64.00 GiB');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/columns \(.*netin.*\) hidden to fit 100 columns; -o wide shows all, --fields chooses/);
      // Nothing hidden is shown, and the note names each hidden column.
      const hidden = /\(([^)]*)\)/.exec(notes[0])![1].split(', ');
      expect([...header, ...hidden].sort()).toEqual(Object.keys(rows[0]).sort());
    });
  }

  it('numbers and IDs are never narrowed: at 40 columns the table is wider than the screen, not cut', () => {
    const { out, header, notes } = fitted(40);
    expect(out).not.toContain('…');
    expect(header[0]).toBe('vmid');
    for (const r of rows) expect(out).toContain(r.id);
    expect(notes[0]).toMatch(/hidden to fit 40 columns/);
  });

  it('free text is narrowed and wraps before any column is hidden', () => {
    const few = rows.map(({ vmid, name, tags }) => ({ vmid, name, tags }));
    const notes: string[] = [];
    const out = render(few, { format: 'text', returns, width: 50, note: (l) => notes.push(l) });
    expect(notes).toEqual([]);
    for (const line of out.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(50);
    expect(out.split('\n').filter((l) => l.includes('guest-100'))[0]).toContain('production;web;');
    expect(out.replace(/[│\s]+/g, '')).toContain(rows[0].tags.replace(/\s/g, '').slice(-10));
  });

  it('--fields the user chose are never hidden; -o wide hides nothing', () => {
    const notes: string[] = [];
    const chosen = render(rows, { format: 'text', returns, width: 40, fields: ['vmid', 'netin', 'netout', 'diskread'], note: (l) => notes.push(l) });
    expect(chosen).toContain('netout');
    expect(chosen).toContain('diskread');
    const wide = render(rows, { format: 'wide', returns, width: 40, note: (l) => notes.push(l) });
    for (const k of Object.keys(rows[0])) expect(wide).toContain(k);
    expect(notes).toEqual([]);
  });

  it('without a terminal width every column is drawn', () => {
    const notes: string[] = [];
    const out = render(rows, { format: 'text', returns, note: (l) => notes.push(l) });
    for (const k of Object.keys(rows[0])) expect(out).toContain(k);
    expect(notes).toEqual([]);
  });
});

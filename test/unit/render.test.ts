import { describe, expect, it } from 'vitest';
import { render } from '../../src/output/render';
import { formatBytes, formatDuration, formatPercent, formatTimestamp } from '../../src/output/units';
import type { PropSchema } from '../../src/schema/types';

const nodes = [
  { node: 'pve2', status: 'online', cpu: 0.0312, maxmem: 34359738368, mem: 4294967296, uptime: 93784 },
  { node: 'pve', status: 'online', cpu: 0.5, maxmem: 17179869184, mem: 1073741824, uptime: 60 },
];
const returns: PropSchema = {
  type: 'array',
  items: { type: 'object', properties: { node: { type: 'string' }, status: { type: 'string' }, cpu: { type: 'number', renderer: 'fraction_as_percentage' }, mem: { type: 'integer', renderer: 'bytes' } } },
};

describe('renderers', () => {
  it('json is the data exactly, compact, one document', () => {
    expect(render(nodes, { format: 'json' })).toBe(JSON.stringify(nodes) + '\n');
    expect(render(null, { format: 'json' })).toBe('null\n');
    expect(render('UPID:x', { format: 'json' })).toBe('"UPID:x"\n');
  });
  it('json-pretty indents', () => {
    expect(render({ a: 1 }, { format: 'json-pretty' })).toBe('{\n  "a": 1\n}\n');
  });
  it('yaml round-trips', async () => {
    const YAML = await import('yaml');
    expect(YAML.parse(render(nodes, { format: 'yaml' }))).toEqual(nodes);
  });
  it('text draws a pvesh-like table sorted by the first column, human-readable', () => {
    const out = render(nodes, { format: 'text', returns });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^┌─+┬/);
    expect(lines[1]).toMatch(/^│ node\s+│ status\s+│\s+cpu │/);
    expect(lines[2]).toMatch(/^╞═+╪/);
    expect(lines[3]).toMatch(/^│ pve\s+│ online │ 50\.00% │/);
    expect(out).toContain('1.00 GiB');
    expect(out).toContain('1d 2h 3m 4s');
    expect(lines.at(-1)).toMatch(/^└─+┴/);
  });
  it('text without human-readable shows raw numbers', () => {
    const out = render(nodes, { format: 'text', returns, humanReadable: false });
    expect(out).toContain('1073741824');
    expect(out).not.toContain('GiB');
  });
  it('--noborder and --noheader', () => {
    const out = render(nodes, { format: 'text', returns, noborder: true, noheader: true, humanReadable: false });
    expect(out.split('\n')[0]).toMatch(/^pve\s+online\s+0\.5\s/);
    expect(out).not.toMatch(/[│┌└]/);
  });
  it('objects render as key/value rows', () => {
    const out = render({ version: '9.2.0', release: '9.2', repoid: 'abc' }, { format: 'text', noborder: true });
    expect(out.split('\n')).toEqual(['key     value', 'release 9.2', 'repoid  abc', 'version 9.2.0', '']);
  });
  it('scalars render as the value, null as nothing', () => {
    expect(render('hello', { format: 'text' })).toBe('hello\n');
    expect(render(null, { format: 'text' })).toBe('');
  });
  it('--fields projects json and selects columns', () => {
    expect(JSON.parse(render(nodes, { format: 'json', fields: ['node', 'cpu'] }))).toEqual([
      { node: 'pve2', cpu: 0.0312 },
      { node: 'pve', cpu: 0.5 },
    ]);
    const out = render(nodes, { format: 'text', fields: ['status', 'node'], noborder: true });
    expect(out.split('\n')[0]).toBe('status node');
  });
  it('--sort orders rows', () => {
    const out = JSON.parse(render(nodes, { format: 'json', sort: 'uptime' }));
    expect(out.map((n: { node: string }) => n.node)).toEqual(['pve', 'pve2']);
  });
  it('table uses cli-table3 borders without colour codes', () => {
    const out = render(nodes, { format: 'table', returns });
    expect(out).toMatch(/┌/);
    expect(out).not.toMatch(/\x1b\[/);
  });
  it('fits a narrow terminal by wrapping the widest column, nothing cut', () => {
    const out = render([{ a: 'x'.repeat(200), b: 'y' }], { format: 'text', width: 40 });
    for (const line of out.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(out).not.toContain('…');
    expect(out.match(/x+/g)!.join('')).toBe('x'.repeat(200));
  });
  it('colours headers only when asked', () => {
    expect(render(nodes, { format: 'text', colour: true })).toContain('\x1b[1m');
    expect(render(nodes, { format: 'text', colour: false })).not.toContain('\x1b[');
  });
});

describe('units', () => {
  it('formats', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatDuration(3661)).toBe('1h 1m 1s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatPercent(0.1234)).toBe('12.34%');
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00');
  });
});

describe('shaping', () => {
  it('--query applies JMESPath before rendering', () => {
    expect(JSON.parse(render(nodes, { format: 'json', query: '[?cpu > `0.1`].node' }))).toEqual(['pve']);
    expect(render(nodes, { format: 'text', query: 'length(@)' })).toBe('2\n');
  });
  it('a bad --query is a usage error', () => {
    expect(() => render(nodes, { format: 'json', query: '[?' })).toThrow(/--query/);
  });
  it('an unknown --fields name lists the valid ones', () => {
    try {
      render(nodes, { format: 'json', fields: ['nod'], returns });
      expect.unreachable();
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
      expect((e as Error).message).toBe("--fields: unknown field 'nod'");
      expect((e as { hint: string }).hint).toMatch(/valid: cpu, maxmem, mem, node, status, uptime/);
    }
  });
});

describe('--sort', () => {
  const names = (out: string) => JSON.parse(out).map((r: { node: string }) => r.node);
  const cluster = [
    { node: 'pve10', mem: 2048, load: '0.25' },
    { node: 'pve2', mem: 17179869184, load: '1.5' },
    { node: 'pve', load: '0.5' },
    { node: 'pve1', mem: 512, load: '10' },
  ];

  it('numbers numerically, rows without the key last', () => {
    expect(names(render(cluster, { format: 'json', sort: 'mem' }))).toEqual(['pve1', 'pve10', 'pve2', 'pve']);
  });
  it('a leading - sorts descending, rows without the key still last', () => {
    expect(names(render(cluster, { format: 'json', sort: '-mem' }))).toEqual(['pve2', 'pve10', 'pve1', 'pve']);
    expect(names(render(cluster, { format: 'json', sort: '-node' }))).toEqual(['pve10', 'pve2', 'pve1', 'pve']);
  });
  it('strings naturally: pve2 before pve10', () => {
    expect(names(render(cluster, { format: 'json', sort: 'node' }))).toEqual(['pve', 'pve1', 'pve2', 'pve10']);
  });
  it('numeric strings as numbers, decimals included', () => {
    expect(names(render(cluster, { format: 'json', sort: 'load' }))).toEqual(['pve10', 'pve', 'pve2', 'pve1']);
  });
  it('orders the text table too, instead of its default first-column order', () => {
    const out = render(cluster, { format: 'text', sort: '-mem', fields: ['node', 'mem'], noborder: true, noheader: true, humanReadable: false });
    expect(out.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['pve2', 'pve10', 'pve1', 'pve', '']);
  });
  it('an unknown key is a usage error listing the valid ones', () => {
    for (const sort of ['nod', '-nod']) {
      try {
        render(nodes, { format: 'json', sort, returns });
        expect.unreachable();
      } catch (e) {
        expect((e as { exitCode: number }).exitCode).toBe(2);
        expect((e as Error).message).toBe("--sort: unknown key 'nod'");
        expect((e as { hint: string }).hint).toBe('valid: cpu, maxmem, mem, node, status, uptime');
      }
    }
  });
  it('after --query only the keys of the query result are valid', () => {
    const out = render(nodes, { format: 'json', query: '[].{n: node, up: uptime}', sort: '-up', returns });
    expect(JSON.parse(out)).toEqual([{ n: 'pve2', up: 93784 }, { n: 'pve', up: 60 }]);
    expect(() => render(nodes, { format: 'json', query: '[].{n: node}', sort: 'node', returns })).toThrow("--sort: unknown key 'node'");
  });
});

describe('fitting the terminal', () => {
  const rows = [{ node: 'pve', status: 'online', description: 'a very long description that goes on and on and on beyond the terminal width' }];
  it('the table and text formats wrap long cells inside the width', () => {
    const table = render(rows, { format: 'table', width: 50 });
    for (const line of table.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(50);
    expect(table.replace(/[│\s]+/g, ' ')).toContain('beyond');
    const text = render(rows, { format: 'text', width: 50 });
    for (const line of text.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(50);
    expect(text).not.toContain('…');
    expect(text.replace(/[│\s]+/g, ' ')).toContain('on and on beyond the terminal width');
  });
  it('without a terminal nothing is cut or wrapped', () => {
    expect(render(rows, { format: 'table' })).toContain('beyond the terminal width');
  });
});

describe('keys that are Object.prototype names', () => {
  it('a column called constructor or toString is data like any other', () => {
    const rows = [{ constructor: 5, toString: 'x', name: 'a' }];
    for (const format of ['text', 'table'] as const) {
      const out = render(rows, { format, humanReadable: true });
      expect(out).toContain('constructor');
      expect(out).toMatch(/\b5\b/);
    }
  });
});

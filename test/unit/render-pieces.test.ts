import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { writeBoxed, type BoxedOptions } from '../../src/output/boxed';
import { OUTPUT_FORMATS, render, renderTo, type RenderOptions } from '../../src/output/render';
import { cellLines, columnWidths, type Column } from '../../src/output/table';
import { YAML_OPTIONS } from '../../src/output/yaml';

// Long results are written in pieces (DESIGN.md §7 peak memory); the pieces must join into what one string was.

function pieces(data: unknown, opts: RenderOptions): string[] {
  const out: string[] = [];
  renderTo(data, opts, (text) => out.push(text));
  return out;
}

function pieceOf<T>(values: T[], i: number): T {
  return values[i % values.length];
}

const log = Array.from({ length: 3000 }, (_, i) => ({ n: i + 1, t: i === 0 ? 'starting qmcreate 900' : `progress line ${i} of 2998` }));

describe('a long list is written in pieces', () => {
  for (const format of OUTPUT_FORMATS) {
    it(`${format}: many pieces, none near the whole, joined the same as render()`, () => {
      const out = pieces(log, { format });
      const whole = out.join('');
      expect(out.length).toBeGreaterThan(3);
      for (const p of out) expect(p.length).toBeLessThan(whole.length / 2);
      expect(whole).toBe(render(log, { format }));
    });
  }
});

describe('-o table draws what cli-table3 draws', () => {
  const texts = [
    'plain ascii',
    '',
    'two\nlines',
    '  leading spaces\n\n\nafter blank lines\n',
    'wide 日本語 and emoji 😀',
    '\x1b[31mred across\na line break\x1b[0m and after',
    'tabs\tand\r\nwindows breaks',
    'control\x01char\x7f',
    'a long text that a narrow terminal wraps, '.repeat(4),
    'café ñ',
  ];
  const columns: Column[] = [
    { key: 'id', header: 'id', alignRight: false },
    { key: 'size', header: 'size', alignRight: true },
    { key: 'text', header: 'text', alignRight: false },
  ];
  // More rows than fit one piece of output.
  const rows = Array.from({ length: 450 }, (_, i) => [`row${i}`, String(i * 37), pieceOf(texts, i)]);
  const variants: BoxedOptions[] = [
    {},
    { noborder: true },
    { noheader: true },
    { noborder: true, noheader: true },
    { width: 80 },
    { width: 40 },
    { width: 20, noborder: true },
    { width: 30, noheader: true },
  ];

  /** The whole table from cli-table3 itself, as -o table drew it before it was drawn row by row. */
  function cliTable3(body: string[][], opts: BoxedOptions): string {
    const lines = body.map((row) => row.map(cellLines));
    const fitted = opts.width
      ? columnWidths(columns, () => body, { border: !opts.noborder, header: !opts.noheader, colour: false, width: opts.width })
      : undefined;
    const chars = Object.fromEntries(
      ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map(
        (k) => [k, k === 'middle' ? ' ' : ''],
      ),
    );
    const t = new Table({
      head: opts.noheader ? [] : columns.map((c) => c.header),
      style: { head: [], border: [] },
      colAligns: columns.map((c) => (c.alignRight ? 'right' : 'left')),
      wordWrap: true,
      wrapOnWordBoundary: false,
      ...(fitted ? { colWidths: fitted.map((w) => w + 2) } : {}),
      ...(opts.noborder ? { chars } : {}),
    });
    for (const row of lines) t.push(row.map((l) => l.join('\n')));
    return t.toString() + '\n';
  }

  function boxed(body: string[][], opts: BoxedOptions): string {
    const out: string[] = [];
    writeBoxed(columns, () => body, opts, (text) => out.push(text));
    return out.join('');
  }

  for (const opts of variants) {
    it(`the same bytes: ${JSON.stringify(opts)}`, () => {
      expect(boxed(rows, opts)).toBe(cliTable3(rows, opts));
    });
  }
  it('the same for a table of one row, and of none', () => {
    for (const opts of variants) {
      expect(boxed(rows.slice(0, 1), opts)).toBe(cliTable3(rows.slice(0, 1), opts));
      expect(boxed([], opts)).toBe(cliTable3([], opts));
    }
  });
});

describe('-o yaml item by item is the whole list', () => {
  const values: unknown[] = [
    { vmid: 100, name: 'web01', tags: ['a', 'b'], conf: { discard: 'on', ssd: 1 } },
    'no',
    '1:20',
    'line1\nline2\n',
    'ends in blank lines\n\n\n',
    'a long line of text that the yaml writer folds once it passes eighty columns, so it goes on and on',
    1e21,
    -2.5e-7,
    null,
    true,
    [],
    {},
    [['nested', 'lists'], { in: 'lists' }],
    { description: 'multi\nline', empty: '', tilde: '~', eq: '=' },
  ];
  const list = Array.from({ length: 2000 }, (_, i) => pieceOf(values, i));
  // JSON round trip: every item its own object, as a reply's are.
  const distinct = JSON.parse(JSON.stringify(list)) as unknown[];

  it('writes the same text as one stringify of the list', () => {
    const out = pieces(distinct, { format: 'yaml' });
    expect(out.length).toBeGreaterThan(3);
    expect(out.join('')).toBe(YAML.stringify(distinct, YAML_OPTIONS));
  });
  it('with --fields, the same as the reshaped list', () => {
    const rows = distinct.filter((v) => v && typeof v === 'object' && !Array.isArray(v));
    const picked = rows.map((r) => Object.fromEntries(['name', 'vmid', 'eq'].filter((f) => f in (r as object)).map((f) => [f, (r as Record<string, unknown>)[f]])));
    expect(render(rows, { format: 'yaml', fields: ['name', 'vmid', 'eq'], defaultFields: true })).toBe(YAML.stringify(picked, YAML_OPTIONS));
  });
  it('keeps anchors and aliases when an object occurs twice', () => {
    const shared = { k: 1 };
    const withShared = [...distinct.slice(0, 50), { a: shared }, { b: shared }];
    const out = render(withShared, { format: 'yaml' });
    expect(out).toContain('&a1');
    expect(out).toBe(YAML.stringify(withShared, YAML_OPTIONS));
  });
});

describe('-o json in pieces is one JSON.stringify', () => {
  const values: unknown[] = [{ a: 1, b: { c: [1, 2, { d: 'x\ny' }] } }, 'text', 0, null, [], {}, [[1], [2, 3]], { empty: [] }];
  const list: unknown[] = Array.from({ length: 2500 }, (_, i) => pieceOf(values, i));
  list[10] = undefined;
  delete list[1500];

  it('compact and pretty', () => {
    expect(render(list, { format: 'json' })).toBe(JSON.stringify(list) + '\n');
    expect(render(list, { format: 'json-pretty' })).toBe(JSON.stringify(list, null, 2) + '\n');
  });
  it('with --fields, the same as the reshaped list', () => {
    const rows = list.filter((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown>[];
    const picked = rows.map((r) => Object.fromEntries(['b', 'a'].filter((f) => f in r).map((f) => [f, r[f]])));
    for (const [format, indent] of [['json', 0], ['json-pretty', 2]] as const) {
      expect(render(rows, { format, fields: ['b', 'a'], defaultFields: true })).toBe(JSON.stringify(picked, null, indent) + '\n');
    }
  });
});

describe('-o text over many pieces', () => {
  it('sizes every column by all rows, the widest one last', () => {
    const rows: Array<Record<string, unknown>> = log.map((r) => ({ ...r }));
    rows[rows.length - 1].t = 'the last row has the longest text of all of them';
    const lines = render(rows, { format: 'text' }).trimEnd().split('\n');
    // top rule, header, header rule, a line per row with a rule between, bottom rule
    expect(lines).toHaveLength(3 + rows.length * 2 - 1 + 1);
    for (const line of lines) expect(line.length).toBe(lines[0].length);
    expect(lines[3]).toBe(`│    1 │ ${'starting qmcreate 900'.padEnd(48)} │`);
    expect(lines.at(-2)).toBe('│ 3000 │ the last row has the longest text of all of them │');
  });
});

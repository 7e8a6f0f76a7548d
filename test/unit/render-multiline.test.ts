import { describe, expect, it } from 'vitest';
import { render, type RenderOptions } from '../../src/output/render';
import { cellLines } from '../../src/output/table';

// VM descriptions are free text: several lines, often a trailing newline, sometimes pasted with \r\n or tabs.
const vms = [
  { vmid: 100, name: 'web01', description: 'Web frontend\nowner: team-a\n' },
  { vmid: 101, name: 'db01', description: 'one line' },
  { vmid: 102, name: 'mail\nrelay', description: 'pasted\r\nfrom\tWindows' },
];
const config = { name: 'web01', memory: 2048, description: 'Web frontend\nowner: team-a, on call: +49 30 1234567\n' };

const variants: Array<[string, Partial<RenderOptions>]> = [
  ['bordered', {}],
  ['noborder', { noborder: true }],
  ['noheader', { noheader: true }],
];

describe('multi-line values', () => {
  for (const format of ['text', 'table'] as const) {
    for (const [name, opts] of variants) {
      it(`${format} ${name}: rows`, () => {
        expect(render(vms, { format, ...opts })).toMatchSnapshot();
      });
      it(`${format} ${name}: key/value table of an object`, () => {
        expect(render(config, { format, ...opts })).toMatchSnapshot();
      });
    }
  }

  it('bordered text keeps every line of the table as wide as its rules', () => {
    for (const data of [vms, config]) {
      const lines = render(data, { format: 'text' }).trimEnd().split('\n');
      for (const line of lines) expect(line.length).toBe(lines[0].length);
      expect(lines.every((l) => /^[┌│╞├└]/.test(l))).toBe(true);
    }
  });

  it('continuation lines stay in their column, the row as tall as its tallest cell', () => {
    const lines = render(vms, { format: 'text' }).split('\n');
    expect(lines.slice(3, 11)).toEqual([
      '│  100 │ Web frontend    │ web01 │',
      '│      │ owner: team-a   │       │',
      '├──────┼─────────────────┼───────┤',
      '│  101 │ one line        │ db01  │',
      '├──────┼─────────────────┼───────┤',
      '│  102 │ pasted          │ mail  │',
      '│      │ from    Windows │ relay │',
      '└──────┴─────────────────┴───────┘',
    ]);
  });

  it('sizes a column by its longest line, not by the whole text', () => {
    const out = render([{ id: 'a', text: 'short\nthe longest line\nmid' }], { format: 'text', noborder: true, noheader: true });
    expect(out).toBe('a short\n  the longest line\n  mid\n');
  });

  it('still fits a narrow terminal, wrapping each line of a wide text column, nothing cut', () => {
    const out = render(config, { format: 'text', width: 30 });
    const lines = out.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBe(30);
    expect(out).not.toContain('…');
    expect(lines.slice(3, 5)).toEqual(['│ description │ Web frontend │', '│             │ owner:       │']);
    // The wrapped pieces of the value, read in order, are the whole value.
    const value = lines.filter((l) => l.startsWith('│ description') || l.startsWith('│             ')).map((l) => l.split('│')[2].trim());
    expect(value.join(' ')).toBe('Web frontend owner: team-a, on call: +49 30 1234567');
  });
});

describe('cellLines', () => {
  it('splits on any line break, drops trailing blank lines, keeps inner ones', () => {
    expect(cellLines('a\r\nb\rc\nd')).toEqual(['a', 'b', 'c', 'd']);
    expect(cellLines('a\n\nb\n \n')).toEqual(['a', '', 'b']);
    expect(cellLines('')).toEqual(['']);
    expect(cellLines('\n')).toEqual(['']);
  });
  it('expands tabs to the next multiple of eight', () => {
    expect(cellLines('ab\tc\t')).toEqual(['ab      c       ']);
  });
});

import { ChunkedWriter, type Write } from './chunks';
import { cellLines, columnWidths, type Column, type Rows } from './table';

export interface BoxedOptions {
  noborder?: boolean;
  noheader?: boolean;
  /** Terminal width; undefined when not a TTY. */
  width?: number;
}

/** cli-table3's own text functions: display width, hard wrapping, truncation with '…', padding, colour runs. */
interface TableText {
  strlen(text: string): number;
  truncate(text: string, width: number, marker: string): string;
  pad(text: string, width: number, fill: string, align: string): string;
  wordWrap(width: number, text: string, onWordBoundary: boolean): string[];
  colorizeLines(lines: string[]): string[];
}

interface Border {
  top: string; topLeft: string; topMid: string; topRight: string;
  mid: string; leftMid: string; midMid: string; rightMid: string;
  bottom: string; bottomLeft: string; bottomMid: string; bottomRight: string;
  left: string; middle: string; right: string;
}

/** cli-table3's default characters. */
const BOX: Border = {
  top: '─', topLeft: '┌', topMid: '┬', topRight: '┐',
  mid: '─', leftMid: '├', midMid: '┼', rightMid: '┤',
  bottom: '─', bottomLeft: '└', bottomMid: '┴', bottomRight: '┘',
  left: '│', middle: '│', right: '│',
};

/** --noborder: no lines at all, a space between columns. */
const SPACED: Border = {
  top: '', topLeft: '', topMid: '', topRight: '',
  mid: '', leftMid: '', midMid: '', rightMid: '',
  bottom: '', bottomLeft: '', bottomMid: '', bottomRight: '',
  left: '', middle: ' ', right: '',
};

/**
 * `-o table`: the table cli-table3 draws (a rule between all rows, one space of padding, numbers right-aligned),
 * drawn here row by row with cli-table3's own text functions. cli-table3's Table first makes an object with its own
 * options and border characters for every cell: ~50 MB more for a 10,000-row task log, where DESIGN.md §7 allows
 * 80 MB for the whole command. test/unit/render-pieces.test.ts holds the output to cli-table3's.
 */
export function writeBoxed(columns: Column[], rows: Rows, opts: BoxedOptions, write: Write): void {
  const text = require('cli-table3/src/utils') as TableText;
  const border = opts.noborder ? SPACED : BOX;
  const aligns = columns.map((c) => (c.alignRight ? 'right' : 'left'));
  // On a terminal the columns get the text format's fitted widths and what does not fit wraps (the text format cuts
  // it with '…'); elsewhere each column is as wide as its widest line and nothing wraps. 2: the padding.
  const wrap = !!opts.width;
  const widths = wrap
    ? columnWidths(columns, rows, { border: !opts.noborder, header: !opts.noheader, colour: false, width: opts.width }).map((w) => w + 2)
    : naturalWidths(columns, rows, !opts.noheader, text);
  const out = new ChunkedWriter(write);
  let drawn = 0;
  // cli-table3 leaves out an empty line (the rules of a table without borders).
  const line = (s: string) => {
    if (!s) return;
    out.push(s + '\n');
    drawn++;
  };
  const rule = (left: string, fill: string, mid: string, right: string) =>
    line(widths.map((w, x) => (x === 0 ? left : mid) + fill.repeat(w)).join('') + right);
  /** A cell's lines as cli-table3 splits (or wraps) them. */
  const linesOf = (content: string, x: number) => {
    const split = wrap ? text.wordWrap(widths[x] - 2, content, false) : content.split('\n');
    return content.includes('\x1b') ? text.colorizeLines(split) : split;
  };
  const fit = (s: string, x: number) => {
    const width = widths[x] - 2;
    if (isPlainAscii(s) && s.length <= width) return aligns[x] === 'right' ? s.padStart(width) : s.padEnd(width);
    return text.pad(text.truncate(s, width, '…'), width, ' ', aligns[x]);
  };
  let y = 0;
  const drawRow = (contents: string[]) => {
    if (y === 0) rule(border.topLeft, border.top, border.topMid, border.topRight);
    else rule(border.leftMid, border.mid, border.midMid, border.rightMid);
    const cells = contents.map(linesOf);
    const height = Math.max(1, ...cells.map((c) => c.length));
    for (let n = 0; n < height; n++) {
      const parts = cells.map((c, x) => (x === 0 ? border.left : border.middle) + (n < c.length ? ` ${fit(c[n], x)} ` : ' '.repeat(widths[x])));
      line(parts.join('') + border.right);
    }
    y++;
  };
  if (!opts.noheader) drawRow(columns.map((c) => c.header));
  for (const r of rows()) drawRow(r.map(joinedLines));
  if (y > 0) rule(border.bottomLeft, border.bottom, border.bottomMid, border.bottomRight);
  // A table of nothing is still one line.
  if (drawn === 0) out.push('\n');
  out.flush();
}

/** A cell as cli-table3 gets it: the screen lines of its text. */
function joinedLines(content: string): string {
  return cellLines(content).join('\n');
}

/** Printable ASCII: one column per character, nothing for cli-table3's width functions to do. */
function isPlainAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** What cli-table3 makes the widths: the widest line of each column (header included), plus padding. */
function naturalWidths(columns: Column[], rows: Rows, header: boolean, text: TableText): number[] {
  const width = (s: string) => (isPlainAscii(s) ? s.length : text.strlen(s));
  const widths = columns.map((c) => (header ? width(c.header) : 0));
  for (const r of rows()) {
    for (let i = 0; i < columns.length; i++) {
      for (const l of cellLines(r[i])) widths[i] = Math.max(widths[i], width(l));
    }
  }
  return widths.map((w) => w + 2);
}

import { ChunkedWriter, type Write } from './chunks';
import { bold, visibleLength } from './style';

export interface Column {
  key: string;
  header: string;
  alignRight: boolean;
  /** The narrowest it may be made to fit the terminal; default: its natural width for numbers, 6 for text. */
  minWidth?: number;
}

export interface TableOptions {
  border: boolean;
  header: boolean;
  colour: boolean;
  /** Terminal width to fit into; undefined = no limit (not a TTY). */
  width?: number;
}

/** A table's rows, cell texts in column order, made afresh for each pass: a long result is never held as text. */
export type Rows = () => Iterable<string[]>;

/**
 * pvesh-like text table: unicode borders (╞═ under the header, ├─ between rows), or space-aligned without. A cell
 * with several lines keeps them inside its column, and its row is as tall as its tallest cell; a line wider than its
 * column (narrowed to fit the terminal) wraps, at a space where it can: nothing is cut. One pass over the rows finds
 * the column widths, a second writes the lines, in pieces.
 */
export function writeTable(columns: Column[], rows: Rows, opts: TableOptions, write: Write): void {
  const widths = columnWidths(columns, rows, opts);
  const cell = (text: string, i: number) => pad(text, widths[i], columns[i].alignRight);
  const header = columns.map((c, i) => bold(cell(c.header, i), opts.colour));
  const out = new ChunkedWriter(write);
  const line = (text: string) => out.push(text + '\n');
  /** The screen lines of one row, each a list of padded cells. */
  const rowLines = (row: string[]) => {
    const lines = columns.map((_, i) => wrapLines(cellLines(row[i] ?? ''), widths[i]));
    return Array.from({ length: Math.max(1, ...lines.map((l) => l.length)) }, (_, n) => lines.map((l, i) => cell(l[n] ?? '', i)));
  };
  if (!opts.border) {
    if (opts.header) line(trimEnd(header.join(' ')));
    for (const r of rows()) for (const cells of rowLines(r)) line(trimEnd(cells.join(' ')));
    return out.flush();
  }
  const rule = (l: string, m: string, r: string, f: string) => l + widths.map((w) => f.repeat(w + 2)).join(m) + r;
  const between = rule('├', '┼', '┤', '─');
  line(rule('┌', '┬', '┐', '─'));
  if (opts.header) {
    line('│ ' + header.join(' │ ') + ' │');
    line(rule('╞', '╪', '╡', '═'));
  }
  let first = true;
  for (const r of rows()) {
    if (!first) line(between);
    first = false;
    for (const cells of rowLines(r)) line('│ ' + cells.join(' │ ') + ' │');
  }
  line(rule('└', '┴', '┘', '─'));
  out.flush();
}

/** Each column's width: its widest line (and header), then shrunk to fit the terminal. */
export function columnWidths(columns: Column[], rows: Rows, opts: TableOptions): number[] {
  const widths = columns.map((c) => (opts.header ? c.header.length : 0));
  for (const r of rows()) {
    for (let i = 0; i < columns.length; i++) {
      for (const l of cellLines(r[i] ?? '')) widths[i] = Math.max(widths[i], visibleLength(l));
    }
  }
  fitWidths(widths, columns, opts.width, opts.border ? 3 : 1, opts.border ? 1 : 0);
  return widths;
}

/** The characters a text table's borders and gaps take besides its cells. */
export function tableOverhead(columns: number, border: boolean): number {
  return border ? 3 * (columns - 1) + 4 : columns - 1;
}

/**
 * A cell's screen lines: any line break (\n, \r\n, a lone \r) starts a new one, trailing blank lines go (a
 * description often ends in a newline), and tabs become spaces, since a raw \r or \t moves the cursor past the border.
 */
export function cellLines(text: string): string[] {
  // Most cells are one line: no splitting (it is done for every cell, twice).
  if (!/[\r\n\t]/.test(text)) return [text];
  const lines = text.split(/\r\n|\r|\n/).map(expandTabs);
  while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

/**
 * Narrow columns until the table fits `width`: the widest narrowable one first, each down to its minWidth. Numbers
 * are never narrowed (a number cut or broken misleads); a table that still does not fit stays wider than the screen.
 */
function fitWidths(widths: number[], columns: Column[], width: number | undefined, gap: number, edge: number): void {
  if (!width) return;
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) + edge * 4;
  const floor = columns.map((c, i) => c.minWidth ?? (c.alignRight ? widths[i] : 6));
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floor[i] && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest]--;
  }
}

/** Lines no wider than `width`: broken after the last space that fits, or hard where a word is longer. */
export function wrapLines(lines: string[], width: number): string[] {
  if (lines.every((l) => visibleLength(l) <= width)) return lines;
  const out: string[] = [];
  for (let rest of lines) {
    while (visibleLength(rest) > width) {
      const plain = rest.replace(/\x1b\[[0-9;]*m/g, '');
      const space = plain.lastIndexOf(' ', width);
      const cut = space > 0 ? space : width;
      out.push(plain.slice(0, cut).trimEnd());
      rest = plain.slice(space > 0 ? cut + 1 : cut);
    }
    out.push(rest);
  }
  return out;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return right ? fill + text : text + fill;
}

function trimEnd(s: string): string {
  return s.replace(/\s+$/, '');
}

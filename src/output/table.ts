import { bold, visibleLength } from './style';

export interface Column {
  key: string;
  header: string;
  alignRight: boolean;
}

export interface TableOptions {
  border: boolean;
  header: boolean;
  colour: boolean;
  /** Terminal width to fit into; undefined = no limit (not a TTY). */
  width?: number;
}

/** pvesh-like text table: unicode borders (╞═ under the header, ├─ between rows), or space-aligned without. */
export function drawTable(columns: Column[], rows: string[][], opts: TableOptions): string {
  const widths = columns.map((c, i) =>
    Math.max(opts.header ? c.header.length : 0, ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  fitWidths(widths, columns, opts.width, opts.border ? 3 : 1, opts.border ? 1 : 0);
  const cell = (text: string, i: number) => pad(truncate(text, widths[i]), widths[i], columns[i].alignRight);
  const lines: string[] = [];
  if (!opts.border) {
    if (opts.header) lines.push(trimEnd(columns.map((c, i) => bold(cell(c.header, i), opts.colour)).join(' ')));
    for (const r of rows) lines.push(trimEnd(r.map(cell).join(' ')));
    return lines.join('\n') + (lines.length ? '\n' : '');
  }
  const rule = (l: string, m: string, r: string, f: string) => l + widths.map((w) => f.repeat(w + 2)).join(m) + r;
  lines.push(rule('┌', '┬', '┐', '─'));
  if (opts.header) {
    lines.push('│ ' + columns.map((c, i) => bold(cell(c.header, i), opts.colour)).join(' │ ') + ' │');
    lines.push(rule('╞', '╪', '╡', '═'));
  }
  rows.forEach((r, idx) => {
    if (idx > 0) lines.push(rule('├', '┼', '┤', '─'));
    lines.push('│ ' + r.map(cell).join(' │ ') + ' │');
  });
  lines.push(rule('└', '┴', '┘', '─'));
  return lines.join('\n') + '\n';
}

/**
 * Shrink columns until the table fits `width`: text columns first (widest first, down to 6 characters), numbers
 * only when that is not enough, since a cut number misleads more than a cut name.
 */
function fitWidths(widths: number[], columns: Column[], width: number | undefined, gap: number, edge: number): void {
  if (!width) return;
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) + edge * 4;
  for (const pass of [(c: Column) => !c.alignRight, () => true]) {
    while (total() > width) {
      let widest = -1;
      widths.forEach((w, i) => {
        if (pass(columns[i]) && w > 6 && (widest < 0 || w > widths[widest])) widest = i;
      });
      if (widest < 0) break;
      widths[widest]--;
    }
  }
}

function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  return plain.slice(0, Math.max(0, width - 1)) + '…';
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return right ? fill + text : text + fill;
}

function trimEnd(s: string): string {
  return s.replace(/\s+$/, '');
}

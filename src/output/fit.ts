import { isOptional, type PropSchema } from '../schema/types';

/**
 * Fitting a list's table into the terminal (issue 16): long free text is narrowed first (it wraps, nothing is cut);
 * when that is not enough the least important columns are hidden, never a number or an identifier cut short.
 */

/** A free-text column is narrowed to no less than this (or its header). */
export const MIN_TEXT_WIDTH = 16;

/** What a row is: the columns to hide last (for /cluster/resources: vmid, id, name, node, status, type). */
const PRIMARY_KEYS = new Set(['vmid', 'id', 'name', 'node', 'status', 'type', 'upid', 'userid', 'volid', 'iface', 'key', 'storage']);

/** Other identifiers; never narrowed either. */
const IDENTITY_KEYS = new Set([...PRIMARY_KEYS, 'tokenid', 'groupid', 'roleid', 'realm', 'poolid', 'pool', 'sid', 'state']);

/** Numbers an admin reads every day, most useful first; other counters (netin, diskread, …) go before them. */
const EVERYDAY_NUMBERS = ['cpu', 'mem', 'maxmem', 'uptime', 'disk', 'maxdisk', 'used', 'avail', 'total', 'maxcpu', 'size'];

/** Keys whose values are prose. */
const PROSE_KEYS = /^(description|comment|notes?|tags|info|message|msg|text|detail|details|summary)$/;

export interface FitColumn {
  key: string;
  /** Its widest line, header included. */
  natural: number;
  /** Some value is a number (the column is right-aligned): never narrowed. */
  numeric: boolean;
  prop?: PropSchema;
}

/** Long free text: a string that is not an identifier, an enum or a formatted value. */
export function isFreeText(c: FitColumn): boolean {
  if (c.numeric || IDENTITY_KEYS.has(c.key) || /id$/.test(c.key)) return false;
  const p = c.prop;
  if (p && (p.enum || (p.type && p.type !== 'string' && p.type !== 'object' && p.type !== 'array'))) return false;
  if (p?.format && typeof p.format === 'string' && !/-list$/.test(p.format)) return false;
  return PROSE_KEYS.test(c.key) || c.natural > MIN_TEXT_WIDTH * 2;
}

/** The narrowest a column may become: free text down to MIN_TEXT_WIDTH (or its header), anything else never. */
export function minimumWidth(c: FitColumn, header: number): number {
  return isFreeText(c) ? Math.min(c.natural, Math.max(MIN_TEXT_WIDTH, header)) : c.natural;
}

/** Lower = kept longer. From the return schema where it says, else from the data. */
function rank(c: FitColumn): number {
  const p = c.prop;
  if (PRIMARY_KEYS.has(c.key)) return 0;
  if (IDENTITY_KEYS.has(c.key) || /(^|[-_])id$/.test(c.key)) return 100;
  if (isFreeText(c)) return 500;
  if (p?.enum || (p && !isOptional(p) && Object.keys(p).length > 0)) return 100;
  const everyday = EVERYDAY_NUMBERS.indexOf(c.key);
  if (everyday >= 0) return 200 + everyday;
  if (c.numeric || p?.type === 'integer' || p?.type === 'number') return 400;
  // Flags, formatted strings, strings the schema says nothing about.
  return 300;
}

/**
 * Which columns to hide so the rest fit `width` once free text is narrowed. `overhead(n)`: the characters borders and
 * gaps take for n columns. The first column stays, and columns the user named (`keep`) are never hidden.
 */
export function columnsToHide(columns: FitColumn[], headers: number[], width: number, overhead: (n: number) => number, keep = false): Set<number> {
  const hidden = new Set<number>();
  const needed = () => {
    let sum = 0;
    let n = 0;
    columns.forEach((c, i) => {
      if (hidden.has(i)) return;
      sum += minimumWidth(c, headers[i]);
      n++;
    });
    return sum + overhead(n);
  };
  if (keep) return hidden;
  // Least important first; among equals the one further right.
  const order = columns
    .map((c, i) => ({ i, t: rank(c) }))
    .filter(({ i }) => i > 0)
    .sort((a, b) => b.t - a.t || b.i - a.i);
  for (const { i } of order) {
    if (needed() <= width) break;
    hidden.add(i);
  }
  return hidden;
}

/** The line on stderr that says what was hidden and how to see it. */
export function hiddenNote(hidden: string[], shown: string[], width: number, example = hidden[0]): string {
  const what = hidden.length === 1 ? `column ${hidden[0]}` : `${hidden.length} columns (${hidden.join(', ')})`;
  return `${what} hidden to fit ${width} columns; -o wide shows all, --fields chooses (e.g. --fields ${[...shown.slice(0, 4), example].join(',')})`;
}

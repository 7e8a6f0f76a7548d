/** `--sort KEY` / `--sort -KEY`: row order for every output format. */

export interface SortSpec {
  key: string;
  descending: boolean;
}

/** A leading '-' asks for descending order (`--sort -mem`). */
export function parseSort(text: string): SortSpec {
  return text.startsWith('-') && text.length > 1 ? { key: text.slice(1), descending: true } : { key: text, descending: false };
}

/** Rows by one key; rows without a value come last in either direction. Scalars sort by themselves. */
export function sortRows(rows: unknown[], key: string, descending = false): unknown[] {
  const valueOf = (row: unknown) => (isPlainObject(row) ? row[key] : row);
  return [...rows].sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    const missingA = va === undefined || va === null;
    const missingB = vb === undefined || vb === null;
    if (missingA || missingB) return Number(missingA) - Number(missingB);
    const order = compareValues(va, vb);
    return descending ? -order : order;
  });
}

let collator: Intl.Collator | undefined;

/** Made on first use (it costs startup time); a fixed locale, so the order does not depend on the machine's LANG. */
function natural(): Intl.Collator {
  return (collator ??= new Intl.Collator('en', { numeric: true }));
}

/** Numbers (and numeric strings such as "0.25") numerically, text naturally: pve2 < pve10. */
export function compareValues(a: unknown, b: unknown): number {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  return natural().compare(textOf(a), textOf(b));
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return Number(v);
  return undefined;
}

function textOf(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

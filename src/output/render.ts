import { UsageError } from '../errors';
import type { PropSchema } from '../schema/types';
import { cellLines, columnWidths, drawTable, type Column } from './table';
import { humaniserFor } from './units';
import { toYaml } from './yaml';
import { applyQuery } from './shape';
import { isPlainObject, parseSort, sortRows } from './sort';

export const OUTPUT_FORMATS = ['text', 'table', 'json', 'json-pretty', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderOptions {
  format: OutputFormat;
  noborder?: boolean;
  noheader?: boolean;
  /** Bytes, durations, timestamps, percentages; default on for text/table, off for json/yaml. */
  humanReadable?: boolean;
  /** The operation's return schema: column order and renderer hints. */
  returns?: PropSchema;
  fields?: string[];
  /** `fields` are the command's default columns, not the user's --fields: absent ones are no error. */
  defaultFields?: boolean;
  /** A key of the rows; a leading '-' for descending order. */
  sort?: string;
  /** JMESPath applied first. */
  query?: string;
  /** Decode property strings into objects (needs the parameters' parser: see cli/context). */
  expand?: (data: unknown) => unknown;
  colour?: boolean;
  /** Terminal width for text/table; undefined when not a TTY. */
  width?: number;
}

/** Keys shown first in tables when present: the identifiers people scan for. */
const LEADING_KEYS = ['vmid', 'node', 'id', 'name', 'storage', 'userid', 'upid', 'volid', 'iface', 'type', 'key'];

/** Render a result for stdout; '' for no result (null/undefined). */
export function render(data: unknown, opts: RenderOptions): string {
  const shaped = shape(data, opts);
  switch (opts.format) {
    case 'json':
      return JSON.stringify(shaped ?? null) + '\n';
    case 'json-pretty':
      return JSON.stringify(shaped ?? null, null, 2) + '\n';
    case 'yaml':
      return toYaml(shaped ?? null);
    case 'table':
    case 'text':
      return renderHuman(shaped, opts);
    default:
      throw new UsageError(`unknown output format '${String(opts.format)}'`, `use one of ${OUTPUT_FORMATS.join(', ')}`);
  }
}

/** --query, --sort and --fields, applied to every format in that order. */
function shape(data: unknown, opts: RenderOptions): unknown {
  let out = opts.expand ? opts.expand(data) : data;
  if (opts.query) out = applyQuery(out, opts.query);
  // After a query the return schema no longer describes the data: only the data's own keys are known.
  const returns = opts.query ? undefined : opts.returns;
  if (opts.sort && Array.isArray(out)) {
    const { key, descending } = parseSort(opts.sort);
    checkKnown('--sort', 'key', out, [key], returns);
    out = sortRows(out, key, descending);
  }
  if (opts.fields?.length) {
    if (!opts.defaultFields) checkKnown('--fields', 'field', out, opts.fields, returns);
    const pick = (o: unknown) => (isPlainObject(o) ? Object.fromEntries(opts.fields!.filter((f) => f in o).map((f) => [f, o[f]])) : o);
    out = Array.isArray(out) ? out.map(pick) : pick(out);
  }
  return out;
}

/** An unknown --fields or --sort name is a usage error listing the valid ones (from the return schema and the data). */
function checkKnown(flag: string, noun: string, data: unknown, names: string[], returns?: PropSchema): void {
  const known = new Set<string>(Object.keys((returns?.type === 'array' ? returns.items?.properties : returns?.properties) ?? {}));
  const rows = Array.isArray(data) ? data : [data];
  for (const r of rows) if (isPlainObject(r)) for (const k of Object.keys(r)) known.add(k);
  if (known.size === 0) return;
  const unknown = names.filter((f) => !known.has(f));
  if (unknown.length) {
    throw new UsageError(`${flag}: unknown ${noun}${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `'${f}'`).join(', ')}`, `valid: ${[...known].sort().join(', ')}`);
  }
}

function renderHuman(data: unknown, opts: RenderOptions): string {
  if (data === null || data === undefined) return '';
  const human = opts.humanReadable ?? true;
  const itemProps = itemProperties(opts.returns);
  if (Array.isArray(data)) {
    if (data.length === 0) return '';
    if (data.every((d) => !isPlainObject(d))) return data.map((d) => scalarText(d)).join('\n') + '\n';
    const keys = columnKeys(data as Record<string, unknown>[], itemProps, opts.fields);
    const rows = (opts.sort ? data : sortRows(data, keys[0])) as Record<string, unknown>[];
    const columns: Column[] = keys.map((k) => ({
      key: k,
      header: k,
      alignRight: rows.some((r) => typeof r[k] === 'number'),
    }));
    const cells = rows.map((r) => keys.map((k) => cellText(k, r[k], itemProps?.[k], human)));
    return table(columns, cells, opts);
  }
  if (isPlainObject(data)) {
    const props = opts.returns?.properties;
    const keys = opts.fields?.length ? opts.fields.filter((k) => k in data) : Object.keys(data).sort();
    const columns: Column[] = [
      { key: 'key', header: 'key', alignRight: false },
      { key: 'value', header: 'value', alignRight: false },
    ];
    const cells = keys.map((k) => [k, cellText(k, data[k], props?.[k], human)]);
    return table(columns, cells, opts);
  }
  return scalarText(data) + '\n';
}

function table(columns: Column[], cells: string[][], opts: RenderOptions): string {
  if (opts.format === 'table') {
    const Table = require('cli-table3') as typeof import('cli-table3');
    const lines = cells.map((row) => row.map(cellLines));
    // On a terminal the columns get the text format's fitted widths, and cli-table3 wraps what does not fit
    // (where the text format cuts it with '…'). The 2 is cli-table3's padding.
    const fitted = opts.width
      ? columnWidths(columns, lines, { border: !opts.noborder, header: !opts.noheader, colour: false, width: opts.width })
      : undefined;
    const t = new Table({
      head: opts.noheader ? [] : columns.map((c) => c.header),
      style: { head: [], border: [] },
      colAligns: columns.map((c) => (c.alignRight ? 'right' : 'left')),
      wordWrap: true,
      wrapOnWordBoundary: false,
      ...(fitted ? { colWidths: fitted.map((w) => w + 2) } : {}),
      ...(opts.noborder ? { chars: noBorderChars() } : {}),
    });
    for (const row of lines) t.push(row.map((l) => l.join('\n')));
    return t.toString() + '\n';
  }
  return drawTable(columns, cells, {
    border: !opts.noborder,
    header: !opts.noheader,
    colour: opts.colour ?? false,
    width: opts.width,
  });
}

function noBorderChars(): Record<string, string> {
  const keys = ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'];
  return Object.fromEntries(keys.map((k) => [k, k === 'middle' ? ' ' : '']));
}

function itemProperties(returns?: PropSchema): Record<string, PropSchema> | undefined {
  return returns?.items?.properties;
}

/** Columns: --fields as given; else schema order with identifiers first, keeping only keys some row has. */
function columnKeys(rows: Record<string, unknown>[], props: Record<string, PropSchema> | undefined, fields?: string[]): string[] {
  if (fields?.length) return fields;
  const present = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) present.add(k);
  const ordered = [...(props ? Object.keys(props).filter((k) => present.has(k)) : [])];
  for (const k of [...present].sort()) if (!ordered.includes(k)) ordered.push(k);
  const leading = LEADING_KEYS.filter((k) => present.has(k)).slice(0, 1);
  return [...leading, ...ordered.filter((k) => !leading.includes(k))];
}

function cellText(key: string, value: unknown, prop: PropSchema | undefined, human: boolean): string {
  if (human && typeof value === 'number') {
    const h = humaniserFor(key, prop?.renderer);
    if (h) return h(value);
  }
  return scalarText(value);
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

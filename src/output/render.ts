import { UsageError } from '../errors';
import type { PropSchema } from '../schema/types';
import { writeBoxed } from './boxed';
import { escapeCell } from './escape';
import { ChunkedWriter, type Write } from './chunks';
import { writeJson } from './json';
import { writeTable, type Column, type Rows } from './table';
import { humaniserFor } from './units';
import { writeYaml } from './yaml';
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
  /** Text and table keep the rows' order instead of sorting them by the first column (a command's own order). */
  keepOrder?: boolean;
  /** JMESPath applied first. */
  query?: string;
  /** Decode property strings into objects (needs the parameters' parser: see cli/context). */
  expand?: (data: unknown) => unknown;
  colour?: boolean;
  /** Terminal width for text/table; undefined when not a TTY. */
  width?: number;
  /** text/table on a terminal: control characters from the server shown escaped (json and yaml escape their own). */
  escape?: boolean;
}

/** Keys shown first in tables when present: the identifiers people scan for. */
const LEADING_KEYS = ['vmid', 'node', 'id', 'name', 'storage', 'userid', 'upid', 'volid', 'iface', 'type', 'key'];

/** Render a result as one string; '' for no result (null/undefined). */
export function render(data: unknown, opts: RenderOptions): string {
  const parts: string[] = [];
  renderTo(data, opts, (text) => parts.push(text));
  return parts.join('');
}

/**
 * Render a result for stdout through `write`, in pieces: a long list is written a few rows at a time, so peak memory
 * grows with the result itself, not with a model or text of all of it (DESIGN.md §7).
 */
export function renderTo(data: unknown, opts: RenderOptions, write: Write): void {
  const { data: shaped, item } = shape(data, opts);
  switch (opts.format) {
    case 'json':
      return writeJson(shaped ?? null, 0, write, item);
    case 'json-pretty':
      return writeJson(shaped ?? null, 2, write, item);
    case 'yaml':
      return writeYaml(shaped ?? null, write, item);
    case 'table':
    case 'text':
      // The --fields are the columns: rows need no reshaping.
      return renderHuman(shaped, opts, write);
    default:
      throw new UsageError(`unknown output format '${String(opts.format)}'`, `use one of ${OUTPUT_FORMATS.join(', ')}`);
  }
}

interface Shaped {
  data: unknown;
  /** --fields of a list, applied to each item as it is written rather than to a copy of the list. */
  item?: (row: unknown) => unknown;
}

/** --query, --sort and --fields, applied to every format in that order. */
function shape(data: unknown, opts: RenderOptions): Shaped {
  let out = opts.expand ? opts.expand(data) : data;
  if (opts.query) out = applyQuery(out, opts.query);
  // After a query the return schema no longer describes the data: only the data's own keys are known.
  const returns = opts.query ? undefined : opts.returns;
  if (opts.sort && Array.isArray(out)) {
    const { key, descending } = parseSort(opts.sort);
    checkKnown('--sort', 'key', out, [key], returns);
    out = sortRows(out, key, descending);
  }
  if (!opts.fields?.length) return { data: out };
  if (!opts.defaultFields) checkKnown('--fields', 'field', out, opts.fields, returns);
  const fields = opts.fields;
  const pick = (o: unknown) => {
    if (!isPlainObject(o)) return o;
    // No prototype: a field named __proto__ (JSON.parse makes it an own key) stays a key, not a prototype.
    const picked: Record<string, unknown> = Object.create(null);
    for (const f of fields) if (f in o) picked[f] = o[f];
    return picked;
  };
  return Array.isArray(out) ? { data: out, item: pick } : { data: pick(out) };
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

function renderHuman(data: unknown, opts: RenderOptions, write: Write): void {
  if (data === null || data === undefined) return;
  const human = opts.humanReadable ?? true;
  const itemProps = itemProperties(opts.returns);
  const esc = opts.escape ? escapeCell : (text: string) => text;
  if (Array.isArray(data)) {
    if (data.length === 0) return;
    if (data.every((d) => !isPlainObject(d))) return writeLines(data, write, esc);
    const keys = columnKeys(data as Record<string, unknown>[], itemProps, opts.fields);
    const rows = (opts.sort || opts.keepOrder ? data : sortRows(data, keys[0])) as Record<string, unknown>[];
    const columns: Column[] = keys.map((k) => ({
      key: k,
      header: esc(k),
      alignRight: rows.some((r) => typeof r[k] === 'number'),
    }));
    // Each pass over the table makes the cell texts anew: held for every row at once, they cost more than the rows.
    const cells = function* () {
      for (const r of rows) yield keys.map((k) => esc(cellText(k, r[k], itemProps?.[k], human)));
    };
    return table(columns, cells, opts, write);
  }
  if (isPlainObject(data)) {
    const props = opts.returns?.properties;
    const keys = opts.fields?.length ? opts.fields.filter((k) => k in data) : Object.keys(data).sort();
    const columns: Column[] = [
      { key: 'key', header: 'key', alignRight: false },
      { key: 'value', header: 'value', alignRight: false },
    ];
    return table(columns, () => keys.map((k) => [esc(k), esc(cellText(k, data[k], props?.[k], human))]), opts, write);
  }
  write(esc(scalarText(data)) + '\n');
}

/** A list of scalars: one per line. */
function writeLines(data: unknown[], write: Write, esc: (text: string) => string): void {
  const out = new ChunkedWriter(write);
  for (const d of data) out.push(esc(scalarText(d)) + '\n');
  out.flush();
}

function table(columns: Column[], rows: Rows, opts: RenderOptions, write: Write): void {
  if (opts.format === 'table') return writeBoxed(columns, rows, opts, write);
  writeTable(columns, rows, { border: !opts.noborder, header: !opts.noheader, colour: opts.colour ?? false, width: opts.width }, write);
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

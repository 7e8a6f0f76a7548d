import { UsageError } from '../errors';
import type { PropSchema } from '../schema/types';
import { writeBoxed } from './boxed';
import { escapeCell } from './escape';
import { ChunkedWriter, type Write } from './chunks';
import { writeJson } from './json';
import { cellLines, tableOverhead, writeTable, type Column, type Rows } from './table';
import { columnsToHide, hiddenNote, minimumWidth, type FitColumn } from './fit';
import { visibleLength } from './style';
import { humaniserFor } from './units';
import { writeYaml } from './yaml';
import { applyQuery } from './shape';
import { isPlainObject, parseSort, sortRows } from './sort';

/** `wide`: the text table with every column at full width, whatever the terminal's width. */
export const OUTPUT_FORMATS = ['text', 'table', 'wide', 'json', 'json-pretty', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The formats drawn for people (tables, human-readable units) rather than for programs. */
export function isHumanFormat(format: OutputFormat | undefined): boolean {
  return format === undefined || format === 'text' || format === 'table' || format === 'wide';
}

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
  /** Where a line about the rendering goes (stderr): which columns were hidden to fit the width. */
  note?: (line: string) => void;
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
    case 'wide':
      return renderHuman(shaped, { ...opts, width: undefined }, write);
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
    let keys = columnKeys(data as Record<string, unknown>[], itemProps, opts.fields);
    const rows = (opts.sort || opts.keepOrder ? data : sortRows(data, keys[0])) as Record<string, unknown>[];
    // Each pass over the table makes the cell texts anew: held for every row at once, they cost more than the rows.
    const cellsOf = (ks: string[]) =>
      function* () {
        for (const r of rows) yield ks.map((k) => esc(cellText(k, r[k], itemProps?.[k], human)));
      };
    const numeric = (k: string) => rows.some((r) => typeof r[k] === 'number');
    const minWidths = new Map<string, number>();
    if (opts.width) {
      const fitted = fitList(keys, cellsOf(keys), numeric, opts, itemProps);
      keys = fitted.keys;
      for (const [k, w] of fitted.minWidths) minWidths.set(k, w);
    }
    const columns: Column[] = keys.map((k) => ({ key: k, header: esc(k), alignRight: numeric(k), minWidth: minWidths.get(k) }));
    return table(columns, cellsOf(keys), opts, write);
  }
  if (isPlainObject(data)) {
    const props = opts.returns?.properties;
    const keys = opts.fields?.length ? opts.fields.filter((k) => k in data) : Object.keys(data).sort();
    // The keys are never narrowed; a long value wraps.
    const columns: Column[] = [
      { key: 'key', header: 'key', alignRight: false, minWidth: Math.max(3, ...keys.map((k) => visibleLength(esc(k)))) },
      { key: 'value', header: 'value', alignRight: false, minWidth: 8 },
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

/**
 * On a terminal: the columns that fit once long free text is narrowed (src/output/fit.ts), each with the narrowest it
 * may become; what was hidden is named on stderr. Columns chosen by --fields or by the command are never hidden.
 */
function fitList(keys: string[], cells: Rows, numeric: (k: string) => boolean, opts: RenderOptions, props?: Record<string, PropSchema>) {
  const header = !opts.noheader;
  const natural = keys.map((k) => (header ? visibleLength(k) : 0));
  for (const row of cells()) {
    row.forEach((text, i) => {
      for (const l of cellLines(text)) natural[i] = Math.max(natural[i], visibleLength(l));
    });
  }
  const fit: FitColumn[] = keys.map((key, i) => ({ key, natural: natural[i], numeric: numeric(key), prop: props?.[key] }));
  const headers = keys.map((k) => (header ? visibleLength(k) : 0));
  const border = !opts.noborder;
  // -o table pads every cell with a space each side; without borders it puts one space between columns.
  const overhead = (n: number) => (opts.format === 'table' && !border ? 3 * n - 1 : tableOverhead(n, border));
  // Columns someone chose are kept: the user's --fields, and a command's own few (a summary's target, result, UPID).
  const chosen = !!opts.fields?.length;
  const hidden = columnsToHide(fit, headers, opts.width!, overhead, chosen);
  const shown = keys.filter((_, i) => !hidden.has(i));
  // The last one hidden is the most useful of them: the example of --fields.
  const example = keys[[...hidden].pop() ?? 0];
  if (hidden.size) opts.note?.(hiddenNote([...hidden].sort((a, b) => a - b).map((i) => keys[i]), shown, opts.width!, example));
  return { keys: shown, minWidths: new Map(fit.map((c, i) => [c.key, minimumWidth(c, headers[i])])) };
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

/**
 * A direct writer for the YAML that API data mostly is: maps, lists, numbers, booleans, null and one-line strings.
 * It writes what the yaml package writes with `-o yaml`'s options (yaml.ts), byte for byte, without building a node
 * per value; whatever it is not sure to write the same (multi-line or long strings, strings with quotes or
 * backslashes that need quoting, exponents, control characters, shared objects) it leaves to the package, for
 * that value's list item only. The unit tests hold the two to the same text.
 */

/** Words that YAML 1.1 or 1.2 loaders read as booleans or null: the only plain letter-first strings that need quotes. */
const WORDS = new Set(
  ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null'].flatMap((w) => [w, w[0].toUpperCase() + w.slice(1), w.toUpperCase()]),
);
/** A plain scalar may not start with an indicator, nor hold ': ' or ' #', nor end in a blank or ':' (YAML 1.2 §7.3.3). */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[\t ]#|[\t :]$/;
/** One line of printable text (no C0/C1 controls, line or paragraph separators, BOM, or lone surrogates). */
const ONE_LINE = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
/** `%`, `---` or `...` first: a document marker to a 1.1 loader; the package then picks another style. */
const MARKER = /^(?:%|---|\.\.\.)/;
/** Widest scalar written here: the package folds a plain or quoted line only past 80 columns (its lineWidth). */
const LINE_WIDTH = 80;
const LONGEST_KEY = 1000;

type TypeTest = (text: string) => boolean;
let otherType: TypeTest | undefined;

/**
 * Whether a string would read back as something else (a number, a date, `=`): letter-first strings need only the
 * word list; anything else is put to the schema's own tests, which loads the yaml package (first time only).
 */
function readsAsOther(text: string, schemaTest: () => TypeTest): boolean {
  const first = text.charCodeAt(0);
  if ((first >= 65 && first <= 90) || (first >= 97 && first <= 122)) return WORDS.has(text);
  return (otherType ??= schemaTest())(text);
}

/** What the package's `-o yaml` emits, with the loader of its type tests for strings that are not letter-first. */
export interface YamlEmitter {
  /**
   * A list item, `- …\n` with its continuation lines, appended to `parts` piece by piece (no string is built per
   * line: at 40,000 rows the garbage of building them grew the heap by megabytes); false, with `parts` as it was,
   * when the package must write it.
   */
  itemInto(value: unknown, parts: string[]): boolean;
  /** The same item as one string, or undefined. */
  item(value: unknown): string | undefined;
  /** A whole document (a non-empty map), or undefined. */
  document(value: unknown): string | undefined;
}

/** Indentation by depth, made once. */
const PADS = Array.from({ length: 64 }, (_, depth) => ' '.repeat(depth * 2));

export function yamlEmitter(schemaTest: () => TypeTest): YamlEmitter {
  /** A one-line string as plain, or double-quoted when plain would change it; `room`: columns it may take. */
  const text = (s: string, room: number, parts: string[]): boolean => {
    if (s.length + 2 > room || !ONE_LINE.test(s) || MARKER.test(s)) return false;
    if (s !== '' && !NOT_PLAIN.test(s) && !readsAsOther(s, schemaTest)) {
      parts.push(s);
      return true;
    }
    // The package quotes with double quotes unless the text holds one (then single quotes, not written here).
    if (s.includes('"') || s.includes('\\')) return false;
    parts.push('"', s, '"');
    return true;
  };
  const scalar = (value: unknown, room: number, parts: string[]): boolean => {
    if (value === null) return parts.push('null') > 0;
    if (typeof value === 'boolean') return parts.push(value ? 'true' : 'false') > 0;
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Object.is(value, -0)) return false;
      const n = String(value);
      return !n.includes('e') && parts.push(n) > 0;
    }
    return typeof value === 'string' && text(value, room, parts);
  };
  /**
   * A collection's lines at `depth`, every line indented but the first when `inline` (a list item's collection
   * starts on the `-` line); false if any part is not for this writer.
   */
  const block = (value: object, depth: number, inline: boolean, parts: string[]): boolean => {
    const pad = PADS[depth];
    let first = inline;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (!first) parts.push(pad);
        first = false;
        parts.push('-');
        if (!after(item, depth, true, parts)) return false;
      }
      return true;
    }
    for (const key in value) {
      if (!first) parts.push(pad);
      first = false;
      if (key.length > LONGEST_KEY || !text(key, Infinity, parts)) return false;
      parts.push(':');
      if (!after((value as Record<string, unknown>)[key], depth, false, parts)) return false;
    }
    return true;
  };
  /** What follows `-` or `key:`: ` scalar`, ` []`, or the collection (a list item's starts on the same line). */
  const after = (value: unknown, depth: number, inList: boolean, parts: string[]): boolean => {
    if (depth + 1 >= PADS.length) return false;
    if (typeof value !== 'object' || value === null) {
      parts.push(' ');
      if (!scalar(value, LINE_WIDTH - PADS[depth + 1].length - 2, parts)) return false;
      parts.push('\n');
      return true;
    }
    const kind = collectionKind(value);
    if (kind === undefined) return false;
    if (kind === 'empty list' || kind === 'empty map') return parts.push(kind === 'empty list' ? ' []\n' : ' {}\n') > 0;
    parts.push(inList ? ' ' : '\n');
    return block(value, depth + 1, inList, parts);
  };
  const itemInto = (value: unknown, parts: string[]): boolean => {
    const mark = parts.length;
    parts.push('-');
    if (after(value, 0, true, parts)) return true;
    parts.length = mark;
    return false;
  };
  return {
    itemInto,
    item: (value) => {
      const parts: string[] = [];
      return itemInto(value, parts) ? parts.join('') : undefined;
    },
    document: (value) => {
      if (typeof value !== 'object' || value === null || collectionKind(value) !== 'map') return undefined;
      const parts: string[] = [];
      return block(value, 0, false, parts) ? parts.join('') : undefined;
    },
  };
}

/** Plain data only: arrays and objects of Object's (or no) prototype; anything else (a Date, a Map) goes to the package. */
function collectionKind(value: object): 'list' | 'map' | 'empty list' | 'empty map' | undefined {
  if (Array.isArray(value)) return value.length ? 'list' : 'empty list';
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let empty = true;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key) || (value as Record<string, unknown>)[key] === undefined) return undefined;
    empty = false;
  }
  return empty ? 'empty map' : 'map';
}

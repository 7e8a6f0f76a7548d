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
  /** A list item, `- …\n` with its continuation lines, or undefined when the package must write it. */
  item(value: unknown): string | undefined;
  /** A whole document (a non-empty map), or undefined. */
  document(value: unknown): string | undefined;
}

export function yamlEmitter(schemaTest: () => TypeTest): YamlEmitter {
  /** A one-line string as plain, or double-quoted when plain would change it; `room`: columns it may take. */
  const text = (s: string, room: number): string | undefined => {
    if (s.length + 2 > room || !ONE_LINE.test(s) || MARKER.test(s)) return undefined;
    if (s !== '' && !NOT_PLAIN.test(s) && !readsAsOther(s, schemaTest)) return s;
    // The package quotes with double quotes unless the text holds one (then single quotes, not written here).
    return s.includes('"') || s.includes('\\') ? undefined : `"${s}"`;
  };
  const scalar = (value: unknown, room: number): string | undefined => {
    if (value === null) return 'null';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Object.is(value, -0)) return undefined;
      const n = String(value);
      return n.includes('e') ? undefined : n;
    }
    if (typeof value === 'string') return text(value, room);
    return undefined;
  };
  /** A collection's lines, each (the first too) indented by `pad`; undefined if any part is not for this writer. */
  const block = (value: object, pad: string): string | undefined => {
    let out = '';
    if (Array.isArray(value)) {
      for (const item of value) {
        const rest = after(item, pad, true);
        if (rest === undefined) return undefined;
        out += pad + '-' + rest;
      }
      return out;
    }
    for (const key of Object.keys(value)) {
      const name = key.length <= LONGEST_KEY ? text(key, Infinity) : undefined;
      const rest = name === undefined ? undefined : after((value as Record<string, unknown>)[key], pad, false);
      if (rest === undefined) return undefined;
      out += pad + name + ':' + rest;
    }
    return out;
  };
  /** What follows `-` or `key:`: ` scalar`, ` []`, or the collection (a list item's starts on the same line). */
  const after = (value: unknown, pad: string, inList: boolean): string | undefined => {
    const inner = pad + '  ';
    if (typeof value !== 'object' || value === null) {
      const s = scalar(value, LINE_WIDTH - inner.length - 2);
      return s === undefined ? undefined : ' ' + s + '\n';
    }
    const kind = collectionKind(value);
    if (kind === undefined) return undefined;
    if (kind === 'empty list') return ' []\n';
    if (kind === 'empty map') return ' {}\n';
    const lines = block(value, inner);
    if (lines === undefined) return undefined;
    return inList ? ' ' + lines.slice(inner.length) : '\n' + lines;
  };
  return {
    item: (value) => {
      const rest = after(value, '', true);
      return rest === undefined ? undefined : '-' + rest;
    },
    document: (value) => (typeof value === 'object' && value !== null && collectionKind(value) === 'map' ? block(value, '') : undefined),
  };
}

/** Plain data only: arrays and objects of Object's (or no) prototype; anything else (a Date, a Map) goes to the package. */
function collectionKind(value: object): 'list' | 'map' | 'empty list' | 'empty map' | undefined {
  if (Array.isArray(value)) return value.length ? 'list' : 'empty list';
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const key in value) {
    if ((value as Record<string, unknown>)[key] === undefined) return undefined;
  }
  return Object.keys(value).length ? 'map' : 'empty map';
}

/** Values inside one-line messages. */

/** A value for a one-line message: control characters escaped, long values shortened; bigints as their digits. */
export function show(v: unknown): string {
  const text = printable(typeof v === 'string' ? v : typeof v === 'bigint' ? String(v) : JSON.stringify(v, digits) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** JSON.stringify cannot write a bigint: its digits as a string (an exact integer inside an array). */
const digits = (_key: string, x: unknown): unknown => (typeof x === 'bigint' ? String(x) : x);

/** Escape control characters so a message stays on one line. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** How a message names a value: `'abc'`, a number bare, or `value 'abc'`. */
export const QUOTED = (shown: string): string => `'${shown}'`;
export const BARE = (shown: string): string => shown;
export const VALUE = (shown: string): string => `value '${shown}'`;

/**
 * `'abc' is shorter than 8 characters`; for a credential (`secret`) only `shorter than 8 characters`, so that its
 * value never reaches stderr, a CI log or a mock's reply. `predicate` starts with `is ` or another verb.
 */
export function claim(value: unknown, predicate: string, secret: boolean, subject = QUOTED): string {
  return secret ? predicate.replace(/^is /, '') : `${subject(show(value))} ${predicate}`;
}

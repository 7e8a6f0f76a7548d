/** Values inside one-line messages. */

/** A value for a one-line message: control characters escaped, long values shortened. */
export function show(v: unknown): string {
  const text = printable(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Escape control characters so a message stays on one line. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

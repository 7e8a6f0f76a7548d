/**
 * Nesting depth of JSON text (or YAML's flow style), checked before parsing: JSON.parse copes with any depth, but
 * every consumer after it (validation, --expand, the renderers) walks the value recursively and would die with a
 * stack overflow on a reply nested 100,000 deep. No API reply nests more than a dozen levels.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether brackets outside strings nest deeper than `max`: one pass, strings skipped with indexOf. */
export function jsonDepthOver(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      if (i < 0) return false;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The index of the quote closing the string opened at `start` (one not escaped by an odd run of backslashes), or -1. */
function stringEnd(text: string, start: number): number {
  let at = start;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * Nesting depth of JSON text (or YAML's flow style), checked before parsing: JSON.parse copes with any depth, but every consumer after it
 * (validation, --expand, the renderers) walks the value recursively and would die with a stack overflow on a reply
 * nested 100,000 deep. No API reply nests more than a dozen levels.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether brackets outside strings nest deeper than `max`; one pass over the text, no allocation. */
export function jsonDepthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

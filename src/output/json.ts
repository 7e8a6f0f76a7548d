import type { Write } from './chunks';

/** Items per JSON.stringify call: big enough for its native writer to pay off, small enough to stay young. */
const ITEMS_PER_PIECE = 1000;

/**
 * `-o json` (indent 0) and `-o json-pretty` (indent 2), as one JSON.stringify would write them, in pieces: a long
 * list a thousand items at a time, each piece's brackets taken off, so neither the whole text nor its bytes are
 * ever held at once. `item` reshapes each item of a list as it is written (--fields), not a copy of the list.
 */
export function writeJson(data: unknown, indent: number, write: Write, item?: (value: unknown) => unknown): void {
  if (!Array.isArray(data) || data.length === 0) return write(JSON.stringify(data, null, indent) + '\n');
  // Without and with indent a list is `[a,b]` and `[\n  a,\n  b\n]`: the pieces' insides joined by `,` or `,\n`.
  const [open, comma, close] = indent ? ['[\n', ',\n', '\n]\n'] : ['[', ',', ']\n'];
  for (let start = 0; start < data.length; start += ITEMS_PER_PIECE) {
    const piece = data.slice(start, start + ITEMS_PER_PIECE);
    const replacer = item && function (this: unknown, _key: string, value: unknown) {
      return this === piece ? item(value) : value;
    };
    const text = JSON.stringify(piece, replacer || undefined, indent);
    write((start === 0 ? open : comma) + text.slice(open.length, text.length - close.length + 1));
  }
  write(close);
}

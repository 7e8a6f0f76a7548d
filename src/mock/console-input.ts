/**
 * What a console client sends after its `user:ticket` line, as Proxmox's termproxy reads it: a byte stream (frame
 * boundaries carry no meaning) of `0:LENGTH:DATA` (LENGTH bytes of input), `1:COLS:ROWS:` (a resize) and `2` (a
 * keep-alive ping); anything else is skipped a byte at a time.
 */
export type ConsoleInput = { kind: 'data'; bytes: Buffer } | { kind: 'resize'; cols: number; rows: number };

const DATA_HEAD = /^0:(\d{1,9}):/;
const RESIZE = /^1:(\d{1,5}):(\d{1,5}):/;
/** A message's beginning that may still become whole. */
const PARTIAL = /^(0(:\d{0,9})?|1(:\d{0,5}(:\d{0,5})?)?)$/;
/** The longest head: `1:` + 5 digits + `:` + 5 digits + `:`. */
const HEAD_BYTES = 15;

export class ConsoleInputParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Input bytes of a `0:` message still to come. */
  private remaining = 0;

  push(chunk: Buffer): ConsoleInput[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: ConsoleInput[] = [];
    while (this.buffer.length > 0) {
      if (this.remaining > 0) {
        const bytes = this.buffer.subarray(0, this.remaining);
        this.remaining -= bytes.length;
        this.buffer = this.buffer.subarray(bytes.length);
        out.push({ kind: 'data', bytes });
        continue;
      }
      const head = this.buffer.toString('latin1', 0, HEAD_BYTES);
      const data = DATA_HEAD.exec(head);
      const resize = data ? undefined : RESIZE.exec(head);
      if (data) {
        this.remaining = Number(data[1]);
        this.buffer = this.buffer.subarray(data[0].length);
      } else if (resize) {
        out.push({ kind: 'resize', cols: Number(resize[1]), rows: Number(resize[2]) });
        this.buffer = this.buffer.subarray(resize[0].length);
      } else if (PARTIAL.test(head)) {
        break;
      } else {
        // A ping, or a byte no message starts with.
        this.buffer = this.buffer.subarray(1);
      }
    }
    return out;
  }
}

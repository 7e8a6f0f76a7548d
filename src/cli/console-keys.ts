/** The escape sequence that leaves a console: Ctrl-] then q (as telnet's Ctrl-]). */
const ESCAPE = 0x1d;
const LEAVE = 'q'.charCodeAt(0);

export const ESCAPE_HELP = 'Ctrl-] then q';

/**
 * Keys typed into a console, the escape sequence taken out: Ctrl-] then `q` leaves; Ctrl-] twice sends one Ctrl-];
 * Ctrl-] then any other key sends both. The sequence may be split across reads.
 */
export class EscapeFilter {
  private armed = false;

  feed(chunk: Buffer): { send: Buffer; leave: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.armed) {
        this.armed = false;
        if (byte === LEAVE) return { send: Buffer.from(out), leave: true };
        if (byte !== ESCAPE) out.push(ESCAPE);
        out.push(byte);
      } else if (byte === ESCAPE) {
        this.armed = true;
      } else {
        out.push(byte);
      }
    }
    return { send: Buffer.from(out), leave: false };
  }
}

/** termproxy's messages from the client: input (its length in bytes), a terminal size, a keep-alive ping. */
export const consoleFrames = {
  data: (bytes: Buffer): Buffer => Buffer.concat([Buffer.from(`0:${bytes.length}:`), bytes]),
  resize: (cols: number, rows: number): string => `1:${cols}:${rows}:`,
  ping: '2',
};

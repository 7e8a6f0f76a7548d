/** Where rendered output goes, a piece at a time (stdout: cli/io writeOut). */
export type Write = (text: string) => void;

/**
 * Gathers rendered text and passes it on in pieces of about 16 K characters: a long result is never one string,
 * and each piece dies young, so the heap stays small (DESIGN.md §7 peak memory; 64 K pieces measured worse).
 */
export class ChunkedWriter {
  private buffer = '';

  constructor(
    private readonly write: Write,
    private readonly size = 1 << 14,
  ) {}

  push(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= this.size) this.flush();
  }

  flush(): void {
    if (!this.buffer) return;
    this.write(this.buffer);
    this.buffer = '';
  }
}

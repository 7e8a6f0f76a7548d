/**
 * A streaming `multipart/form-data` parser on node streams (RFC 7578): fields come whole (they are small and
 * limited), file parts as streams that are never held whole in memory. Backpressure runs through: while a file
 * part's reader is behind, the parser stops taking input.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequestError } from './errors';

export interface FieldPart {
  kind: 'field';
  name: string;
  value: string;
}

export interface FilePart {
  kind: 'file';
  name: string;
  filename: string;
  contentType: string;
  /** The part's content; read or drain it before asking for the next part (skipped ones are drained). */
  stream: Readable;
}

export type Part = FieldPart | FilePart;

export interface MultipartLimits {
  /** Bytes of one part's header block. */
  headerBytes?: number;
  /** Bytes of one field's value. */
  fieldBytes?: number;
  /** Number of parts. */
  parts?: number;
}

const DEFAULTS: Required<MultipartLimits> = { headerBytes: 16 * 1024, fieldBytes: 1024 * 1024, parts: 1000 };
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** After a delimiter: `--` ends the body, else optional padding and CRLF start a part. */
const MAX_PADDING = 256;

/** The boundary of a multipart/form-data body; undefined for other types. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!/^\s*multipart\/form-data\s*(;|$)/i.test(contentType ?? '')) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? '');
  if (!m) throw new RequestError(400, 'malformed multipart body: no boundary');
  return m[1] ?? m[2];
}

const malformed = (what: string) => new RequestError(400, `malformed multipart body: ${what}`);

/** `form-data; name="a"; filename="b"` → its parameters, quoted strings unescaped. */
function dispositionOf(value: string): { type: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  for (const m of value.matchAll(/;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
  }
  return { type: value.split(';')[0].trim().toLowerCase(), params };
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('bad part header line');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'epilogue';

/** The parser proper: write the body into it; parts come out through `onPart`. */
export class MultipartParser extends Writable {
  // A virtual CRLF in front, so the first boundary line matches the delimiter like every later one.
  private buf: Buffer = CRLF;
  private state: State = 'preamble';
  private readonly delimiter: Buffer;
  private readonly limits: Required<MultipartLimits>;
  private parts = 0;
  private field?: { name: string; chunks: Buffer[]; size: number };
  private file?: Readable;
  /** The write callback held while the current file part's reader is behind. */
  private held?: () => void;
  private blocked = false;

  constructor(
    boundary: string,
    private readonly onPart: (part: Part) => void,
    limits: MultipartLimits = {},
  ) {
    super();
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.limits = { ...DEFAULTS, ...limits };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      while (this.step());
    } catch (e) {
      callback(e as Error);
      return;
    }
    if (this.blocked) this.held = callback;
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback(this.state === 'epilogue' ? null : malformed('it ends before its closing boundary'));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.file && !this.file.readableEnded) this.file.destroy(error ?? malformed('the body was cut short'));
    callback(error);
  }

  /** One step of the state machine; false when it needs more input. */
  private step(): boolean {
    switch (this.state) {
      case 'preamble':
        return this.skipTo('delimiter');
      case 'delimiter':
        return this.afterDelimiter();
      case 'headers':
        return this.headers();
      case 'body':
        return this.body();
      case 'epilogue':
        this.buf = Buffer.alloc(0);
        return false;
    }
  }

  /** Drop everything up to and including the next delimiter. */
  private skipTo(next: State): boolean {
    const at = this.buf.indexOf(this.delimiter);
    if (at < 0) {
      this.buf = this.buf.subarray(Math.max(0, this.buf.length - this.delimiter.length + 1));
      return false;
    }
    this.buf = this.buf.subarray(at + this.delimiter.length);
    this.state = next;
    return true;
  }

  private afterDelimiter(): boolean {
    if (this.buf.length < 2) return false;
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.state = 'epilogue';
      return true;
    }
    const eol = this.buf.indexOf(CRLF);
    if (eol < 0) {
      if (this.buf.length > MAX_PADDING) throw malformed('bad boundary line');
      return false;
    }
    if (!/^[ \t]*$/.test(this.buf.subarray(0, eol).toString('latin1'))) throw malformed('bad boundary line');
    this.buf = this.buf.subarray(eol + 2);
    this.state = 'headers';
    return true;
  }

  private headers(): boolean {
    // A part with no header lines: its blank line follows at once.
    const end = this.buf.subarray(0, 2).equals(CRLF) ? -2 : this.buf.indexOf(HEADER_END);
    if (end === -1) {
      if (this.buf.length > this.limits.headerBytes) throw new RequestError(400, 'malformed multipart body: part headers too large');
      return false;
    }
    if (end > this.limits.headerBytes) throw new RequestError(400, 'malformed multipart body: part headers too large');
    const headers = end === -2 ? {} : parseHeaders(this.buf.subarray(0, end).toString('utf8'));
    this.buf = this.buf.subarray(end === -2 ? 2 : end + 4);
    this.startPart(headers);
    this.state = 'body';
    return true;
  }

  private startPart(headers: Record<string, string>): void {
    if (++this.parts > this.limits.parts) throw new RequestError(413, `multipart body has more than ${this.limits.parts} parts`);
    const { type, params } = dispositionOf(headers['content-disposition'] ?? '');
    if (type !== 'form-data' || params.name === undefined) throw malformed('a part without Content-Disposition: form-data; name=...');
    if (params.filename === undefined) {
      this.field = { name: params.name, chunks: [], size: 0 };
      return;
    }
    this.file = new Readable({ highWaterMark: 64 * 1024, read: () => this.resume() });
    this.onPart({
      kind: 'file',
      name: params.name,
      filename: params.filename,
      contentType: headers['content-type'] ?? 'application/octet-stream',
      stream: this.file,
    });
  }

  private body(): boolean {
    const at = this.buf.indexOf(this.delimiter);
    // Without a delimiter, keep back what could be the start of one split across chunks.
    const safe = at >= 0 ? at : this.buf.length - this.delimiter.length + 1;
    if (safe > 0) this.content(this.buf.subarray(0, safe));
    if (at < 0) {
      if (safe > 0) this.buf = this.buf.subarray(safe);
      return false;
    }
    this.buf = this.buf.subarray(at + this.delimiter.length);
    this.endPart();
    this.state = 'delimiter';
    return true;
  }

  private content(data: Buffer): void {
    if (this.file) {
      if (!this.file.push(data)) this.blocked = true;
      return;
    }
    const field = this.field!;
    field.size += data.length;
    if (field.size > this.limits.fieldBytes) throw new RequestError(413, `multipart field '${field.name}' is larger than ${this.limits.fieldBytes} bytes`);
    field.chunks.push(data);
  }

  private endPart(): void {
    if (this.file) {
      this.file.push(null);
      this.file = undefined;
      this.blocked = false;
      return;
    }
    const { name, chunks } = this.field!;
    this.field = undefined;
    this.onPart({ kind: 'field', name, value: Buffer.concat(chunks).toString('utf8') });
  }

  /** The file part's reader wants more: take the held input. */
  private resume(): void {
    this.blocked = false;
    const held = this.held;
    this.held = undefined;
    held?.();
  }
}

/**
 * The parts of a multipart body, in order. A file part's stream must be read (or is drained) before the next part
 * comes; an error in the body ends the iteration with an RequestError (400 malformed, 413 too large).
 */
export async function* multipartParts(body: Readable, boundary: string, limits?: MultipartLimits): AsyncGenerator<Part> {
  const queue: Part[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const parser = new MultipartParser(boundary, (part) => {
    queue.push(part);
    notify();
  }, limits);
  pipeline(body, parser).then(
    () => {
      done = true;
      notify();
    },
    (e: unknown) => {
      failure = e;
      notify();
    },
  );
  let last: Part | undefined;
  try {
    for (;;) {
      if (last?.kind === 'file' && !last.stream.readableEnded) last.stream.resume();
      const next = queue.shift();
      if (next) {
        yield (last = next);
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!done && !failure) parser.destroy();
  }
}

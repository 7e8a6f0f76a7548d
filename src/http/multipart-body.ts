/**
 * A `multipart/form-data` request body whose file part streams from its source: its length is known before the
 * first byte (Proxmox takes no chunked bodies), and the file is never held in memory.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartFile {
  /** The part's field name. */
  field: string;
  /** The file name the part carries (a base name). */
  filename: string;
  /** Bytes the source yields; the body's Content-Length is computed from it. */
  size: number;
  /** The file's bytes, opened when the body is read. */
  open(): Readable;
}

export interface MultipartBody {
  contentType: string;
  length: number;
  /** The body, once: the fields in their order, then the file. */
  stream(): Readable;
  /** For --dry-run: the body with the file's bytes shown as its name and size. */
  preview(): string;
}

/** Characters that would end a quoted header value or the header line. */
const quoted = (value: string): string => value.replace(/["\r\n\\]/g, '_');

/** The fields in the order given (Proxmox's parser reads them in a fixed order), then the one file part. */
export function multipartBody(fields: ReadonlyArray<readonly [string, string]>, file: MultipartFile): MultipartBody {
  const boundary = `----pvecli${randomBytes(12).toString('hex')}`;
  const filename = quoted(file.filename);
  const fieldText = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`).join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const head = Buffer.from(fieldText + fileHead);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + file.size + tail.length,
    stream: () => Readable.from(parts(head, file, tail), { objectMode: false }),
    preview: () => `${head.toString()}<${filename}: ${file.size} bytes>${tail.toString()}`,
  };
}

/** A source that grew or shrank since its size was taken would break the announced length: fail instead. */
async function* parts(head: Buffer, file: MultipartFile, tail: Buffer): AsyncGenerator<Buffer> {
  yield head;
  let sent = 0;
  for await (const chunk of file.open() as AsyncIterable<Buffer>) {
    sent += chunk.length;
    if (sent > file.size) break;
    yield chunk;
  }
  if (sent !== file.size) throw new Error(`${file.filename} changed while it was sent (${sent} bytes instead of ${file.size})`);
  yield tail;
}

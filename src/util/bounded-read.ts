import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { sizeText } from './size-text';

/** Why a file was not read: the reason alone, the caller names the file and what it is for. */
export class BoundedReadError extends Error {
  constructor(
    message: string,
    /** The errno code when the system refused (ENOENT, EACCES, …). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BoundedReadError';
  }
}

export interface BoundedReadOptions {
  /** The most bytes accepted; a longer file is refused without being read whole. */
  limit: number;
  /** Regular files only: a FIFO would hang the run, /dev/zero would fill memory. Off for standard input. */
  regularOnly?: boolean;
}

/**
 * A file's text, read at most `limit` bytes (plus one to know it is longer). `source` 0 is standard input, which
 * may be a pipe. Throws BoundedReadError: missing, not a regular file, too large, or unreadable.
 */
export function readBounded(source: string | 0, opts: BoundedReadOptions): string {
  let fd: number;
  try {
    // Before opening: opening a FIFO waits for a writer.
    if (source !== 0 && opts.regularOnly && !statSync(source).isFile()) throw new BoundedReadError('not a regular file');
    fd = source === 0 ? 0 : openSync(source, 'r');
  } catch (err) {
    throw asReadError(err);
  }
  try {
    if (opts.regularOnly && source !== 0 && !fstatSync(fd).isFile()) throw new BoundedReadError('not a regular file');
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 16, opts.limit + 1 - size));
      const n = readChunk(fd, chunk);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      size += n;
      if (size > opts.limit) throw new BoundedReadError(`larger than ${sizeText(opts.limit)}`);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  } catch (err) {
    throw asReadError(err);
  } finally {
    if (source !== 0) closeSync(fd);
  }
}

/** One read; a non-blocking standard input (EAGAIN) is waited for briefly rather than taken for its end. */
function readChunk(fd: number, chunk: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF') return 0;
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function asReadError(err: unknown): BoundedReadError {
  if (err instanceof BoundedReadError) return err;
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'a directory', EPERM: 'operation not permitted' };
  return new BoundedReadError((e.code && reasons[e.code]) ?? e.message ?? String(err), e.code);
}

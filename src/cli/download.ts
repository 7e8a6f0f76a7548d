/**
 * Replies that are files, not JSON: streamed to `--out-file FILE` (a temp file beside it, renamed when whole) or
 * to stdout (`--out-file -`, or a pipe); never dumped onto a terminal.
 */
import { createWriteStream, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isatty } from '../util/tty';
import { CliError, ExitCode, UsageError } from '../errors';
import type { ApiClient, ApiRequest } from '../http';
import type { GlobalOptions } from './globals';
import { cliErrorOf } from './http-errors';
import { useStreams, writeErr } from './io';

/** A file reply with nowhere to go but a terminal is refused before anything is sent (exit 2). */
export function checkDownloadTarget(globals: GlobalOptions): void {
  if (globals.outFile === undefined && isatty(1)) {
    throw new UsageError('the reply is a file: not written to a terminal', 'write it with --out-file FILE, or pipe it (--out-file - for stdout)');
  }
}

/** GET the reply and stream its body to --out-file or stdout; an error status is reported as any API error. */
export async function runDownload(client: ApiClient, request: ApiRequest, globals: GlobalOptions): Promise<number> {
  const http = require('../http') as typeof import('../http');
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const reply = await client.exchange({ method: request.method, path: request.path, query: http.encodeQuery(request.params), signal: abort.signal });
    if (reply.status < 200 || reply.status >= 300) {
      try {
        await http.replyData(reply, `${request.method} ${request.path}`);
      } catch (err) {
        throw cliErrorOf(err);
      }
    }
    const target = globals.outFile ?? '-';
    const bytes = target === '-' ? await toStdout(reply.body) : await toFile(reply.body, target);
    if (target !== '-' && !globals.quiet) writeErr(`wrote ${bytes} bytes to ${target}`);
    return ExitCode.ok;
  } catch (err) {
    if (abort.signal.aborted) throw new CliError('interrupted: the download was not finished', ExitCode.interrupted);
    throw cliErrorOf(err);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function counted(body: Readable): { body: Readable; bytes: () => number } {
  let bytes = 0;
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  return { body, bytes: () => bytes };
}

async function toStdout(body: Readable): Promise<number> {
  useStreams(1);
  const c = counted(body);
  await new Promise<void>((resolve, reject) => {
    body.once('error', reject);
    body.once('end', resolve);
    body.pipe(process.stdout, { end: false });
  });
  return c.bytes();
}

/** Atomically: readers of `path` see the old file or the whole new one, never a part. */
async function toFile(body: Readable, path: string): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.part`);
  const c = counted(body);
  try {
    await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // never made, or already gone
    }
    throw err;
  }
  return c.bytes();
}

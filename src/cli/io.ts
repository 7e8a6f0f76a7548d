import { writeSync } from 'node:fs';
import { isatty } from '../util/tty';
import { escapeLine } from '../output/escape';
import { CliError, ExitCode } from '../errors';
import { fileErrorOf } from './file-errors';
import { cliErrorOf } from './http-errors';

/**
 * Output goes to file descriptors 1 and 2 with writeSync: building process.stdout or process.stderr costs
 * 5–15 ms of a one-shot run, and a blocking write cannot be cut short by an early exit. A descriptor that is
 * non-blocking (EAGAIN) falls back to the stream, which queues; main() waits for those streams to drain.
 */
const streamedFds = new Set<1 | 2>();

/** The stream of a descriptor; touching process.stdout/stderr is what builds them, so only when needed. */
function streamOf(fd: 1 | 2): NodeJS.WriteStream {
  return fd === 1 ? process.stdout : process.stderr;
}

function writeFd(fd: 1 | 2, text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  if (!streamedFds.has(fd)) {
    try {
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        if (fd === 1) exitForClosedReader();
        return;
      }
      if (code !== 'EAGAIN') throw err;
      useStreams(fd);
    }
  }
  streamOf(fd).write(buffer.subarray(offset));
}

/** `pvecli get … | head -1`: the reader went away; end with the exit code the run already has, quietly. */
function exitForClosedReader(): never {
  process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
}

/** From now on write through the streams (oclif's commands use them too); main() drains them before exiting. */
export function useStreams(...fds: Array<1 | 2>): void {
  for (const fd of fds) {
    if (streamedFds.has(fd)) continue;
    streamedFds.add(fd);
    if (fd === 1) {
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') exitForClosedReader();
      });
    }
  }
}

export function streamsInUse(): NodeJS.WriteStream[] {
  return [...streamedFds].map(streamOf);
}

/** stdout holds only the result; everything else goes to stderr (DESIGN.md §1). */
export function writeOut(text: string): void {
  if (text) writeFd(1, text);
}

export function writeErr(line: string): void {
  const text = terminalSafe(2, line);
  writeFd(2, text.endsWith('\n') ? text : text + '\n');
}

const terminals = new Map<number, boolean>();

/**
 * Text that may come from a server (messages, task logs) as written to `fd`: on a terminal its control characters
 * are shown escaped (src/output/escape.ts); to a pipe or file it stays exact.
 */
export function terminalSafe(fd: 1 | 2, text: string): string {
  let tty = terminals.get(fd);
  if (tty === undefined) terminals.set(fd, (tty = isatty(fd)));
  return tty ? escapeLine(text) : text;
}

export function warn(message: string): void {
  writeErr(`pvecli: warning: ${message}`);
}

/** Stack traces are for PVECLI_DEBUG=1 alone: --trace shows the exchanges, not the program's insides (issue 13). */
export function debugEnabled(): boolean {
  return process.env.PVECLI_DEBUG === '1';
}

/**
 * Structural, not instanceof: topic commands run from dist/src/… while the fast path is one bundle, so a
 * CliError thrown by one copy of the module must still be recognised by the other.
 */
function isCliError(err: unknown): err is CliError {
  return err instanceof CliError || (err instanceof Error && typeof (err as Partial<CliError>).exitCode === 'number');
}

/**
 * `pvecli: <first line>`, further lines indented under it. oclif's messages run over several lines (a missing
 * argument with its description, flag constraints) and every line counts; `Parsing --port` + `Expected an
 * integer…` reads as one line (`--port: expected an integer…`); its colour codes, its "See more help" line and any
 * stack frame do not belong in the message (a stack trace is for PVECLI_DEBUG=1).
 */
export function errorText(message: string): string {
  let lines = message
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !/^\s+at \S.*:\d+:\d+\)?$/.test(l) && !/^\s*See more help with/.test(l));
  const parsing = /^Parsing (--?\S+)$/.exec(lines[0]?.trim() ?? '');
  if (parsing && lines[1]) {
    const reason = lines[1].trim();
    const joined = reason.startsWith(parsing[1]) ? reason : `${parsing[1]}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
    lines = [joined, ...lines.slice(2)];
  }
  return lines.map((l, i) => (i === 0 ? `pvecli: ${l.trim()}` : `  ${l.replace(/^\t+/, '')}`)).join('\n');
}

/** Report an error as `pvecli: <what happened>` (+ hint), and return its exit code. */
export function reportError(failure: unknown): number {
  const err = fileErrorOf(cliErrorOf(failure));
  if (isCliError(err)) {
    writeErr(errorText(err.message));
    if (err.hint) writeErr(`hint: ${err.hint}`);
    if (debugEnabled() && err.stack) writeErr(err.stack);
    return err.exitCode;
  }
  const e = err as Error & { code?: string; oclif?: { exit?: number } };
  if (e?.oclif?.exit !== undefined) {
    // oclif's own parse errors (unknown flag, missing argument, bad value) are usage errors.
    writeErr(errorText(String(e.message)));
    return e.oclif.exit === 0 ? 0 : ExitCode.usage;
  }
  writeErr(`pvecli: internal error: ${e?.message ?? String(err)}`);
  if (debugEnabled() && e?.stack) writeErr(e.stack);
  else writeErr('hint: run again with PVECLI_DEBUG=1 for a stack trace');
  return ExitCode.internal;
}

/**
 * stderr for a long-running server's log: writes queued off the event loop (fs write stream on descriptor 2), where
 * process.stderr on a pipe blocks until the reader takes the bytes — a slow journald or log shipper would stall
 * every request. `close()` waits for what is queued.
 */
export function queuedStderr(): { write(text: string): void; close(): Promise<void> } {
  const { createWriteStream } = require('node:fs') as typeof import('node:fs');
  const stream = createWriteStream('', { fd: 2, autoClose: false });
  stream.on('error', () => {}); // a closed stderr must not take the server down; the log is then lost
  return {
    write: (text) => void stream.write(text),
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}

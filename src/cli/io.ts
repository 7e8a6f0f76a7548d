import { CliError, ExitCode } from '../errors';

/** stdout holds only the result; everything else goes to stderr (DESIGN.md §1). */
export function writeOut(text: string): void {
  if (text) process.stdout.write(text);
}

export function writeErr(line: string): void {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

export function warn(message: string): void {
  writeErr(`pvecli: warning: ${message}`);
}

export function debugEnabled(argv: readonly string[] = process.argv): boolean {
  return process.env.PVECLI_DEBUG === '1' || argv.includes('--trace');
}

/**
 * Structural, not instanceof: topic commands run from dist/src/… while the fast path is one bundle, so a
 * CliError thrown by one copy of the module must still be recognised by the other.
 */
function isCliError(err: unknown): err is CliError {
  return err instanceof CliError || (err instanceof Error && typeof (err as Partial<CliError>).exitCode === 'number');
}

/** oclif's "Parsing --port \n\tExpected an integer …\nSee more help with --help" as one line: "--port: expected an integer …". */
export function oclifMessage(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^See more help with/.test(l));
  const parsing = /^Parsing (--?\S+)$/.exec(lines[0] ?? '');
  if (parsing && lines[1]) return `${parsing[1]}: ${lines[1].charAt(0).toLowerCase()}${lines[1].slice(1)}`;
  return lines[0] ?? message;
}

/** Report an error as `pvecli: <what happened>` (+ hint), and return its exit code. */
export function reportError(err: unknown): number {
  if (isCliError(err)) {
    writeErr(`pvecli: ${err.message}`);
    if (err.hint) writeErr(`hint: ${err.hint}`);
    if (debugEnabled() && err.stack) writeErr(err.stack);
    return err.exitCode;
  }
  const e = err as Error & { code?: string; oclif?: { exit?: number } };
  if (e?.oclif?.exit !== undefined) {
    // oclif's own parse errors (unknown flag, missing argument, bad value) are usage errors.
    writeErr(`pvecli: ${oclifMessage(String(e.message))}`);
    return e.oclif.exit === 0 ? 0 : ExitCode.usage;
  }
  writeErr(`pvecli: internal error: ${e?.message ?? String(err)}`);
  if (debugEnabled() && e?.stack) writeErr(e.stack);
  else writeErr('hint: run again with PVECLI_DEBUG=1 for a stack trace');
  return ExitCode.internal;
}

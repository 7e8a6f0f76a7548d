import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorText, reportError, useStreams } from '../../src/cli/io';
import { UsageError } from '../../src/errors';

/** reportError's stderr, captured. */
function stderrOf(fn: () => number): { code: number; text: string } {
  useStreams(2); // through process.stderr, spied on here
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    return { code: fn(), text };
  } finally {
    spy.mockRestore();
  }
}

/** What oclif throws for `pvecli task status` (no UPID): a parse error with its exit code, stack included. */
function oclifError(message: string): Error {
  const e = new Error(message) as Error & { oclif: { exit: number } };
  e.oclif = { exit: 2 };
  return e;
}

afterEach(() => {
  delete process.env.PVECLI_DEBUG;
});

describe('error reporting', () => {
  it("keeps every line of oclif's message, indented under the first", () => {
    const { code, text } = stderrOf(() => reportError(oclifError('Missing 1 required arg:\nupid  task id (UPID:…)\nSee more help with --help')));
    expect(code).toBe(2);
    expect(text).toBe('pvecli: Missing 1 required arg:\n  upid  task id (UPID:…)\n');
  });

  it('prints no stack trace for a parse error, even with PVECLI_DEBUG=1', () => {
    process.env.PVECLI_DEBUG = '1';
    const err = oclifError('Nonexistent flag: --bogus\nSee more help with --help');
    expect(err.stack).toMatch(/\n\s+at /);
    const { text } = stderrOf(() => reportError(err));
    expect(text).toBe('pvecli: Nonexistent flag: --bogus\n');
  });

  it("a usage error a flag parser threw, wrapped by oclif's 'Parsing --flag', keeps its exit code and hint", () => {
    const err = new UsageError("--wait-timeout: 'abc' is not a positive number of seconds", 'e.g. 0.5 or 30');
    err.message = `Parsing --wait-timeout \n\t${err.message}\nSee more help with --help`;
    const { code, text } = stderrOf(() => reportError(err));
    expect(code).toBe(2);
    expect(text).toBe("pvecli: --wait-timeout: 'abc' is not a positive number of seconds\nhint: e.g. 0.5 or 30\n");
  });

  it("oclif's own 'Parsing --flag' + reason reads as one line", () => {
    expect(errorText('Parsing --port \n\tExpected an integer but received: abc\nSee more help with --help')).toBe(
      'pvecli: --port: expected an integer but received: abc',
    );
  });

  it('drops colour codes, blank lines and stack frames, keeps relative indentation', () => {
    const message = 'The following error occurred:\n  \x1b[2m--a cannot also be provided when using --b\x1b[22m\n\n    at parse (/x/parse.js:1:2)\n    at /x/run.js:3:4';
    expect(errorText(message)).toBe('pvecli: The following error occurred:\n    --a cannot also be provided when using --b');
  });
});

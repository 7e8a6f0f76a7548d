/** Exit codes fixed by DESIGN.md §4. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  connection: 3,
  auth: 4,
  forbidden: 5,
  notFound: 6,
  api: 7,
  taskFailed: 8,
  timeout: 9,
  /** The request was sent and succeeded, but its result cannot be shown as asked (a --fields key absent from it). */
  resultUnshown: 10,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line `pvecli: <message>` (plus an optional hint) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.internal,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
    this.name = 'UsageError';
  }
}

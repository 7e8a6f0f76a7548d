import { CliError, ExitCode } from '../errors';

/**
 * After a request went out, exit 2 would claim that nothing was sent (DESIGN.md §4). What can only be checked on
 * the reply (a --fields or --sort key the data lacks) exits 10 instead, and says that the request succeeded.
 */
export function afterSuccess(err: unknown, label: string): unknown {
  if (!(err instanceof Error) || (err as Partial<CliError>).exitCode !== ExitCode.usage) return err;
  const { message, hint } = err as CliError;
  return new CliError(`${label} succeeded, but its result cannot be shown: ${message}`, ExitCode.resultUnshown, hint);
}

import { UsageError } from '../errors';
import type { Operation } from '../schema/types';
import { readBounded } from '../util/bounded-read';
import { isSecretParam } from '../util/secret-param';
import { warn } from './io';

/** A password or key read from a file: a few KiB at most; the trailing newline of `echo x > file` dropped. */
const SECRET_FILE_LIMIT = 64 * 1024;

/**
 * The secret a command-line value names: `env:NAME` or `file:PATH`, so the secret itself never shows in the process
 * list; undefined for a literal (the caller warns, it is visible in `ps`). `what` names the flag in messages.
 */
export function secretFromReference(what: string, value: string, env: NodeJS.ProcessEnv): string | undefined {
  const envRef = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (envRef) {
    const found = env[envRef[1]!];
    if (found === undefined || found === '') throw new UsageError(`${what} refers to env:${envRef[1]}, which is not set`);
    return found;
  }
  if (value.startsWith('file:') && value.length > 5) {
    try {
      return readBounded(value.slice(5), { limit: SECRET_FILE_LIMIT }).replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(`${what} refers to ${value}, which cannot be read: ${(err as Error).message}`);
    }
  }
  return undefined;
}

/** The warning for a secret typed on the command line. */
export function warnVisibleSecret(what: string, form: string): void {
  warn(`${what} given on the command line is visible to other users of this machine (ps); give it as ${form}`);
}

/**
 * A credential parameter of an API call (`--password`, `--secret`, `--key`…) may name where the secret is, so it
 * never shows in the process list: `env:NAME` or `file:PATH` (as a profile's secrets do). A literal given on the
 * command line still works, with a warning; from --input it is not in the process list and passes silently.
 * A secret that itself starts with env: or file: goes through --input.
 */
export function resolveSecretArgs(op: Operation, values: Record<string, unknown>, argv: readonly string[], env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || !isSecretParam(name, op.path)) continue;
    const onCommandLine = argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (!onCommandLine) continue;
    const secret = secretFromReference(`--${name}`, value, env);
    if (secret !== undefined) values[name] = secret;
    else warnVisibleSecret(`--${name}`, `--${name} env:NAME or file:PATH`);
  }
}

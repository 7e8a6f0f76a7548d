import { UsageError } from '../errors';
import type { Operation } from '../schema/types';
import { readBounded } from '../util/bounded-read';
import { isSecretParam } from '../util/secret-param';
import { warn } from './io';

/** A password or key read from a file: a few KiB at most; the trailing newline of `echo x > file` dropped. */
const SECRET_FILE_LIMIT = 64 * 1024;

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
    const envRef = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
    if (envRef) {
      const found = env[envRef[1]];
      if (found === undefined || found === '') throw new UsageError(`--${name} refers to env:${envRef[1]}, which is not set`);
      values[name] = found;
    } else if (value.startsWith('file:') && value.length > 5) {
      try {
        values[name] = readBounded(value.slice(5), { limit: SECRET_FILE_LIMIT }).replace(/\r?\n$/, '');
      } catch (err) {
        throw new UsageError(`--${name} refers to ${value}, which cannot be read: ${(err as Error).message}`);
      }
    } else {
      warn(`--${name} given on the command line is visible to other users of this machine (ps); give it as --${name} env:NAME or file:PATH`);
    }
  }
}

import { UsageError } from '../errors';

/** `--request-timeout S`, `--wait-timeout S`: a positive number of seconds, fractions allowed (0.5). */
export function parseSeconds(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag}: '${text}' is not a positive number of seconds`);
  return n;
}

import { UsageError } from '../errors';
import { durationProblem } from '../util/duration';

/** `--request-timeout S`, `--wait-timeout S`: a positive number of seconds, fractions allowed (0.5), within timer range. */
export function parseSeconds(flag: string, text: string): number {
  const n = text.trim() === '' ? Number.NaN : Number(text);
  const problem = durationProblem(n, false);
  if (problem) throw new UsageError(`--${flag}: '${text}' ${problem}`);
  return n;
}

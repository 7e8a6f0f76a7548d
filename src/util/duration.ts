/**
 * Node's timers take at most 2^31-1 ms (about 24.8 days); a longer delay fires at once with a warning, so a
 * `--request-timeout 1e9` would time out immediately. Every duration pvecli reads is held to this range.
 */
export const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Why `n` seconds is not a usable duration, or undefined when it is. `zero`: 0 is allowed (it means no limit). */
export function durationProblem(n: number, zero: boolean): string | undefined {
  if (!Number.isFinite(n) || n < 0 || (!zero && n === 0)) return `is not a ${zero ? 'non-negative' : 'positive'} number of seconds`;
  if (n > MAX_SECONDS) return `is more than ${MAX_SECONDS} seconds (about 24 days), the longest timer there is`;
  return undefined;
}

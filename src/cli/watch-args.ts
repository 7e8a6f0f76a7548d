import { GLOBAL_OPTIONS } from './global-options';

const WATCH = GLOBAL_OPTIONS.find((s) => s.name === 'watch')!;

/**
 * oclif has no flag with an optional value: a bare `--watch` (not followed by a number) gets its default written
 * in, so `task list --watch` and `task list --watch 5` both parse as the fast path's verbs parse them.
 */
export function bareWatchValue(argv: string[]): string[] {
  return argv.map((arg, i) => (arg === '--watch' && !/^\d+(\.\d+)?$/.test(argv[i + 1] ?? '') ? `--watch=${WATCH.fallback}` : arg));
}

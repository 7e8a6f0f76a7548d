import { UsageError } from '../../src/errors';

/** The UsageError `fn` throws; anything else it throws propagates, and not throwing fails the test. */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

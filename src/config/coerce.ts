import { PROFILE_KEYS, type ProfileKey, type ProfileValue } from './profile-keys';
import { MAX_SECONDS } from '../util/duration';
import { booleanOfText, booleanText, isNonNegative, isSeconds, numberOfText } from './value-text';

/**
 * What a key's value must be, as error messages say it: "timeout must be a non-negative number"; given the value,
 * a duration beyond a timer's range says that instead.
 */
export function valueRule(key: ProfileKey, value?: unknown): string {
  const kind = PROFILE_KEYS[key];
  if (kind === 'boolean') return `${key} must be true or false`;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? numberOfText(value) : Number.NaN;
  if (kind === 'number' && Number.isFinite(n) && n > MAX_SECONDS) return `${key} must be at most ${MAX_SECONDS} seconds (about 24 days)`;
  if (kind === 'number' || kind === 'integer') return `${key} must be a non-negative ${kind}`;
  return `${key} must be a string`;
}

/** Parse a command-line or file value into the key's type; throws a message (no location) when it does not fit. */
export function coerceProfileValue(key: ProfileKey, value: unknown): ProfileValue {
  const kind = PROFILE_KEYS[key];
  switch (kind) {
    case 'string':
    case 'secret':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && kind === 'string') return String(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && booleanText(value)) return booleanOfText(value);
      break;
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? numberOfText(value) : Number.NaN;
      if (kind === 'integer' ? isNonNegative(n, true) : isSeconds(n)) return n;
      break;
    }
  }
  throw new Error(valueRule(key, value));
}

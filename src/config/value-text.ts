/**
 * Numbers and booleans written as text ("30", "yes"): what a command-line value or a quoted value in the file may
 * say. These functions are also the ajv formats of the generated config validator, which requires this module and
 * looks them up by name, so their exported names are format names.
 */

import { MAX_SECONDS } from '../util/duration';

/** Number() reads '' and blanks as 0; here they are no number at all. */
export function numberOfText(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export function isNonNegative(n: number, integer: boolean): boolean {
  return Number.isFinite(n) && n >= 0 && (!integer || Number.isInteger(n));
}

/** A profile's number keys are all durations (timeout, connect_timeout, retry_backoff): within a timer's range. */
export function isSeconds(n: number): boolean {
  return isNonNegative(n, false) && n <= MAX_SECONDS;
}

export function secondsText(text: string): boolean {
  return isSeconds(numberOfText(text));
}

export function nonNegativeInteger(text: string): boolean {
  return isNonNegative(numberOfText(text), true);
}

export function booleanText(text: string): boolean {
  return /^(true|false|1|0|yes|no)$/i.test(text);
}

export function booleanOfText(text: string): boolean {
  return /^(true|1|yes)$/i.test(text);
}

import { UsageError } from '../errors';
import { readBounded } from '../util/bounded-read';
import { jsonDepthOver, MAX_JSON_DEPTH } from '../util/json-depth';

/** Parameters of one API call: 64 MiB is far beyond any, and well within memory. */
export const INPUT_LIMIT = 64 * 1024 * 1024;

/** `--input FILE|-`: bulk parameters from a JSON or YAML object (explicit flags win, applied by the caller). */
export function readInput(source: string): Record<string, unknown> {
  let text: string;
  try {
    text = readBounded(source === '-' ? 0 : source, { limit: INPUT_LIMIT, regularOnly: true });
  } catch (err) {
    throw new UsageError(`--input: cannot read ${source === '-' ? 'standard input' : `'${source}'`}: ${(err as Error).message}`);
  }
  if (jsonDepthOver(text, MAX_JSON_DEPTH)) throw new UsageError(`--input: nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err) {
    throw new UsageError(`--input: not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--input: expected an object of parameter names and values');
  }
  return value as Record<string, unknown>;
}

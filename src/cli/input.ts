import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

/** `--input FILE|-`: bulk parameters from a JSON or YAML object (explicit flags win, applied by the caller). */
export function readInput(source: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw new UsageError(`--input: cannot read ${source === '-' ? 'standard input' : `'${source}'`}: ${(err as Error).message}`);
  }
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

/**
 * Reading a mock state file that exists: it must be a mock state, else a MockStateFileError names the file and what
 * is wrong. It is never replaced by a fresh seed, and never quoted (it holds token secrets).
 */
import { readFileSync } from 'node:fs';
import { MockStateFileError } from './mock-error';
import type { MockStateData } from './state';

export { MockStateFileError };

/** The file's text; ENOENT passes through (the caller treats it as no state), other failures name the file. */
export function readStateText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw e;
    throw new MockStateFileError(file, code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (e as Error).message})`);
  }
}

/** ' (line L, column C)' from a JSON.parse message that names a position, else ''. */
function jsonErrorPlace(text: string, message: string): string {
  const at = /at position (\d+)/.exec(message);
  if (!at) return '';
  const before = text.slice(0, Number(at[1])).split('\n');
  return ` (line ${before.length}, column ${before[before.length - 1].length + 1})`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse and check the shape of a state file: JSON, version 1, every collection of the right kind. */
export function parseState(file: string, text: string): MockStateData {
  if (text.trim() === '') throw new MockStateFileError(file, 'is empty, not a mock state');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // Not the parser's message: it quotes the file, and the file holds token secrets.
    throw new MockStateFileError(file, `not valid JSON${jsonErrorPlace(text, (e as Error).message)}`);
  }
  if (!isObject(parsed)) throw new MockStateFileError(file, 'not a mock state (expected a JSON object)');
  if (parsed.version !== 1) throw new MockStateFileError(file, `not a mock state of version 1 (version: ${JSON.stringify(parsed.version ?? null)})`);
  const shape: Array<[string, (v: unknown) => boolean, string]> = [
    ['secret', (v) => typeof v === 'string', 'a string'],
    ['clusterName', (v) => typeof v === 'string', 'a string'],
    ['nodes', (v) => Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string'), 'a list of node names'],
    ['guests', isObject, 'an object'],
    ['storages', isObject, 'an object'],
    ['pools', isObject, 'an object'],
    ['users', isObject, 'an object'],
    ['groups', isObject, 'an object'],
    ['acl', Array.isArray, 'a list'],
    ['tasks', Array.isArray, 'a list'],
    ['nextPid', (v) => Number.isInteger(v), 'an integer'],
  ];
  for (const [key, ok, what] of shape) {
    if (!ok(parsed[key])) throw new MockStateFileError(file, `a damaged mock state ('${key}' should be ${what})`, true);
  }
  return parsed as unknown as MockStateData;
}

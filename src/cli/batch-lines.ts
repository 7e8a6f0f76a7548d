import { closeSync, fstatSync, openSync } from 'node:fs';
import { UsageError } from '../errors';
import { splitWords } from './batch-words';

/** One command of a batch: its words (as after `pvecli` on a shell line), or why they could not be read. */
export interface BatchEntry {
  /** 1-based number of the line it starts on. */
  line: number;
  words?: string[];
  error?: unknown;
}

/**
 * The commands of a batch, each as soon as its line has arrived (a coprocess writes one and waits for the
 * answer). Blank and comment lines are skipped; a line ending inside quotes or on a backslash goes on with the next.
 * `stop()` ends the reading early (Ctrl-C) even while waiting for a line that may never come.
 */
export function readBatch(source: string): { entries: AsyncIterable<BatchEntry>; stop: () => void } {
  const readline = require('node:readline') as typeof import('node:readline');
  const fs = require('node:fs') as typeof import('node:fs');
  const input = source === '-' ? process.stdin : fs.createReadStream('', { fd: openBatchFile(source) });
  const lines = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  async function* entries(): AsyncGenerator<BatchEntry> {
    let number = 0;
    let pending: { line: number; text: string } | undefined;
    for await (const text of lines) {
      number++;
      const start = pending?.line ?? number;
      const joined = pending ? `${pending.text}\n${text}` : text;
      pending = undefined;
      let entry: BatchEntry | null | undefined;
      try {
        entry = entryOf(start, joined);
      } catch (error) {
        entry = { line: start, error };
      }
      if (entry === undefined) pending = { line: start, text: joined };
      else if (entry) yield entry;
    }
    if (pending) yield { line: pending.line, error: new UsageError('the line ends inside quotes (or on a backslash)', 'close the quote') };
  }
  return { entries: entries(), stop: () => lines.close() };
}

/** Opened at once, so a missing, unreadable or wrong kind of file is reported (exit 2) before anything runs. */
function openBatchFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const { code } = err as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`cannot read the batch file ${path}: ${why}`);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new UsageError(`cannot read the batch file ${path}: it is a directory`);
  }
  return fd;
}

/** The words of one (possibly joined) line; null for nothing to run, undefined when the line goes on. */
function entryOf(line: number, text: string): BatchEntry | null | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return { line, words: jsonWords(trimmed) };
  const split = splitWords(text);
  if (split === null) return null;
  if ('open' in split) return undefined;
  // A line pasted from a shell script keeps its `pvecli`.
  const words = split.words[0] === 'pvecli' ? split.words.slice(1) : split.words;
  return words.length ? { line, words } : null;
}

/**
 * A JSON line: `["get", "/nodes", "-o", "json"]` (the words themselves), or
 * `{"verb": "get", "path": "/nodes", "params": {"type": "vm"}, "options": {"fields": "vmid,name"}}`; a task
 * command as `{"verb": "task wait", "upid": "UPID:…"}`. Parameters become `--name=value` flags, arrays repeat the
 * flag, booleans are 1 or 0: the same parser checks them as on the command line.
 */
export function jsonWords(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`not a JSON line: ${(err as Error).message}`, 'a line that starts with { or [ is read as JSON');
  }
  if (Array.isArray(value)) {
    if (!value.every((w) => typeof w === 'string')) throw new UsageError('a JSON array line holds the words of a command, all strings');
    return value;
  }
  if (!value || typeof value !== 'object') throw new UsageError('a JSON line is an object or an array of words');
  const { verb, path, upid, params, options, ...unknown } = value as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length) throw new UsageError(`unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} in the JSON line`, 'keys: verb, path, params, options (task commands: upid)');
  if (typeof verb !== 'string' || !verb) throw new UsageError('the JSON line has no "verb"', 'e.g. {"verb": "get", "path": "/nodes"}');
  const words = verb.split(/\s+/);
  if (path !== undefined) words.push(String(path));
  for (const u of Array.isArray(upid) ? upid : upid === undefined ? [] : [upid]) words.push(String(u));
  words.push(...flagsOf('params', params), ...flagsOf('options', options));
  return words;
}

function flagsOf(key: string, values: unknown): string[] {
  if (values === undefined) return [];
  if (!values || typeof values !== 'object' || Array.isArray(values)) throw new UsageError(`"${key}" is an object of names and values`);
  const flags: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || typeof item === 'object') throw new UsageError(`"${key}"."${name}": a string, number or boolean (or a list of them)`);
      flags.push(`--${name}=${typeof item === 'boolean' ? (item ? '1' : '0') : String(item)}`);
    }
  }
  return flags;
}

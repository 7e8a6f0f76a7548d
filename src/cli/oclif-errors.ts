import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors';
import { shellCommand } from '../util/shell-quote';
import { nearest } from '../util/text';
import { packageRoot } from '../util/package-root';

/** What the fast path needs of oclif's manifest: the topic commands, their arguments, flags and examples. */
export interface ManifestCommand {
  args?: Record<string, { name: string; options?: string[]; description?: string }>;
  flags?: Record<string, { char?: string }>;
  strict?: boolean;
  examples?: string[];
}

export function readManifest(): Record<string, ManifestCommand> {
  return (JSON.parse(readFileSync(join(packageRoot(), 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> }).commands;
}

/** The command an argv names (`profile set m1 …` → profile:set): its longest prefix of words that is a command. */
export function commandIdOf(argv: string[], commands: Record<string, ManifestCommand>): string | undefined {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (commands[id]) return id;
  }
  return undefined;
}

interface OclifParseError {
  message: string;
  oclif?: { exit?: number };
  flags?: string[];
  args?: Array<{ name: string; options?: string[]; description?: string }>;
}

/**
 * oclif's parse errors (unknown flag, missing argument, bad value) as pvecli's own: one `pvecli:` line with a hint
 * that says what to type, exit 2 (DESIGN.md §4). Anything else is returned unchanged.
 */
export function usageErrorOfOclif(err: unknown, argv: string[]): unknown {
  const e = err as OclifParseError;
  if (!e || typeof e.message !== 'string' || e.oclif?.exit === undefined || e.oclif.exit === 0) return err;
  let commands: Record<string, ManifestCommand>;
  try {
    commands = readManifest();
  } catch {
    return err;
  }
  const id = commandIdOf(argv, commands);
  if (!id) return err;
  const name = id.replace(/:/g, ' ');
  const command = commands[id];
  const help = `see ${shellCommand('pvecli', ...name.split(' '), '--help')}`;
  if (Array.isArray(e.flags) && e.flags.length) {
    const flag = e.flags[0];
    const word = flag.replace(/^-+/, '').replace(/=.*$/, '');
    const known = Object.keys(command.flags ?? {});
    const near = [...new Set([...known.filter((k) => k.includes(word) || (word.length > 3 && word.includes(k))), ...nearest(word, known)])].slice(0, 3);
    // `profile set m1 --timeout 5`: the command takes a KEY, written as a plain word.
    const asKey = Object.keys(command.args ?? {}).includes('key') && !flag.includes('=') ? argv.map((a) => (a === flag ? word : a)) : undefined;
    const hints = [
      asKey ? `a key is a plain word: ${shellCommand('pvecli', ...asKey)}` : '',
      near.length ? `did you mean ${near.map((n) => `--${n}`).join(', ')}?` : '',
    ].filter(Boolean);
    const hint = hints.length ? `${hints.join('; or ')} (${help})` : help;
    return new UsageError(`unknown option '${flag}' for '${name}'`, hint);
  }
  if (/^Missing \d+ required args?/.test(e.message) && Array.isArray(e.args) && e.args.length) {
    // Its name, and what it is: the choices, else the argument's description.
    const what = (a: { options?: string[]; description?: string }) => (a.options?.length ? a.options.join(', ') : a.description);
    const missing = e.args.map((a) => (what(a) ? `${a.name.toUpperCase()} (${what(a)})` : a.name.toUpperCase()));
    const example = command.examples?.[0];
    return new UsageError(`'${name}' needs ${missing.join(' and ')}`, example ? `e.g. ${example}` : help);
  }
  const { errorText } = require('./io') as typeof import('./io');
  return new UsageError(errorText(e.message).replace(/^pvecli: /, ''), help);
}

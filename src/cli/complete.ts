import { availableSchemas, splitPath, type ResolvedPath, type Schema } from '../schema/load';
import type { Operation, PropSchema } from '../schema/types';
import { VERB_METHODS, isVerb } from '../schema/verbs';
import { OUTPUT_FORMATS } from '../output/render';
import { GLOBAL_SPECS, leadingGlobalsEnd, splitGlobals, type GlobalOptions } from './globals';
import { schemaFor } from './context';
import { liveValues, listingFor, listingForParam, unfinishedLookups } from './complete-live';
import { writeOut } from './io';
import { closeSync } from 'node:fs';

/** What the first word can be. */
const COMMANDS = ['get', 'set', 'create', 'delete', 'ls', 'usage', 'profile', 'task', 'schema', 'mock', 'completion', 'help'];
const SUBCOMMANDS: Record<string, string[]> = {
  profile: ['add', 'list', 'show', 'use', 'rename', 'remove', 'set', 'verify', 'env'],
  task: ['list', 'status', 'log', 'wait', 'stop'],
  schema: ['list'],
  mock: ['serve', 'reset'],
  completion: ['bash', 'zsh', 'fish'],
};
const PATH_COMMANDS = new Set(['get', 'set', 'create', 'delete', 'ls', 'usage']);
/** `profile SUB NAME`: the subcommands naming an existing profile, and whether the built-in `mock` is one they accept. */
const PROFILE_NAME_ARG: Record<string, { mock: boolean }> = {
  use: { mock: true },
  show: { mock: true },
  verify: { mock: true },
  remove: { mock: false },
  rename: { mock: false },
  set: { mock: false },
};

/**
 * `pvecli __complete WORD… CURRENT`: one candidate per line for the shell scripts of `pvecli completion`.
 * Static from the schema; {param} values live from the current profile's server where the API lists them,
 * cached briefly, and silently none when the server does not answer in time.
 */
export async function runComplete(words: string[]): Promise<number> {
  const candidates = await complete(words).catch(() => [] as string[]);
  writeOut(candidates.map((c) => c + '\n').join(''));
  const unfinished = unfinishedLookups();
  if (unfinished.length) {
    // The shell has its answer once stdout closes; the lookups that ran out of time finish into the cache.
    closeSync(1);
    await Promise.allSettled(unfinished);
  }
  return 0;
}

/** The line that tells the shell scripts to complete file names (only flags that take a file). */
export const FILES_DIRECTIVE = ':files';

/** Global options whose value is a file. */
const FILE_GLOBALS = new Set(['input', 'ca-file', 'out-file']);

interface PathContext {
  globals: GlobalOptions;
  /** The words after the command (for flags typed before the current one: --node, --storage). */
  words: string[];
  positionals: string[];
  schema: Schema;
  resolved?: ResolvedPath;
  /** The operation the verb calls on the path (none for ls and usage). */
  ops: Operation[];
}

export async function complete(words: string[]): Promise<string[]> {
  const current = words.length ? words[words.length - 1] : '';
  const before = words.slice(0, -1);
  // Global options may come before the command (`pvecli -p lab get /nodes/`), as main() accepts them: the command
  // is the first word after them, and they stay in front of its words so they apply (profile, schema) there too.
  const start = leadingGlobalsEnd(before);
  const command = before[start] as string | undefined;
  const args = [...before.slice(0, start), ...before.slice(start + 1)];

  // A flag's value: `--flag=VALUE` in the current word, or `--flag VALUE` after it.
  const inline = /^(--[^=]+)=/.exec(current);
  const flag = inline ? inline[1] : before[before.length - 1];
  if (flag?.startsWith('-') && !flag.includes('=')) {
    const argsBeforeFlag = inline ? args : args.slice(0, -1);
    const path = command !== undefined && PATH_COMMANDS.has(command);
    const typed = inline ? current.slice(inline[0].length) : current;
    const values = await flagValues(flag, typed, path ? pathContext(command, argsBeforeFlag) : undefined);
    if (values?.[0] === FILES_DIRECTIVE) return values;
    if (inline) return filter((values ?? []).map((v) => `${flag}=${v}`), current);
    if (values) return filter(values, current);
  }

  if (command === undefined) return filter(current.startsWith('-') ? globalFlagNames() : COMMANDS, current);
  if (SUBCOMMANDS[command]) return completeTopic(command, args, current);
  if (!PATH_COMMANDS.has(command)) return [];
  const ctx = pathContext(command, args);
  if (!ctx) return [];
  if (ctx.positionals.length === 0 && !current.startsWith('-')) return completePath(ctx.schema, current, ctx.globals);
  if (!ctx.positionals[0]) return filter(globalFlagNames(), current);
  if (!ctx.resolved || !current.startsWith('-')) return [];
  const flags = new Set<string>();
  for (const op of ctx.ops) {
    for (const [name, p] of Object.entries(op.parameters.properties ?? {})) {
      if (ctx.resolved.template.includes(`{${name}}`)) continue;
      const fam = p['x-family'];
      if (fam) for (let i = 0; i <= fam.max; i++) flags.add(`--${fam.prefix}${i}`);
      else flags.add(`--${name}`);
    }
  }
  if (command === 'usage') ['--verbose', '--returns', '--command'].forEach((f) => flags.add(f));
  return filter([...flags, ...globalFlagNames()], current);
}

/** The verb's path and operation from the words so far; undefined when they do not parse. */
function pathContext(command: string, args: string[]): PathContext | undefined {
  try {
    const { globals, positionals } = splitGlobals(args);
    const schema = schemaFor(globals);
    const resolved = positionals[0] ? schema.tryResolve(positionals[0]) : undefined;
    const op = resolved && isVerb(command) ? schema.operation(resolved.template, VERB_METHODS[command]) : undefined;
    return { globals, words: args, positionals, schema, resolved, ops: op ? [op] : [] };
  } catch {
    return undefined;
  }
}

/**
 * Values for `flag`: an API parameter of the operation first (its long name wins over a global's, DESIGN.md §3),
 * then a global option. Enums and booleans from the schema; values the API lists (nodes, guests, storages, bridges,
 * pools, content types) live; property strings key by key. [FILES_DIRECTIVE] for a flag that takes a file, [] for
 * one whose values nobody can list (no file names: they would be wrong there); undefined for one that takes no value.
 */
async function flagValues(flag: string, typed: string, ctx: PathContext | undefined): Promise<string[] | undefined> {
  const long = flag.startsWith('--') ? flag.slice(2) : undefined;
  const prop = long !== undefined && ctx ? findParam(ctx.ops, long) : undefined;
  if (prop && long !== undefined && ctx) {
    if (ctx.ops.some((op) => uploadFileParam(op) === long)) return [FILES_DIRECTIVE];
    const format = (require('./usage') as typeof import('./usage')).formatLookup()(prop);
    if (format) return propertyStringValues(format, typed, ctx);
    const fixed = valuesOf(prop);
    if (fixed.length) return fixed;
    const listing = listingForParam(long, prop, whereOf(ctx));
    return listing ? liveValues(listing, ctx.globals) : [];
  }
  const spec = long !== undefined ? GLOBAL_SPECS.find((s) => s.name === long) : GLOBAL_SPECS.find((s) => flag.length === 2 && s.short === flag[1]);
  // An optional value (`--watch [SECONDS]`) is not waited for: the next word completes as it would without it.
  if (!spec?.value || spec.kind === 'interval') return undefined;
  if (FILE_GLOBALS.has(spec.name)) return [FILES_DIRECTIVE];
  switch (spec.key) {
    case 'outputFormat':
      return [...OUTPUT_FORMATS];
    case 'profile':
      return profileNames(true);
    case 'schema':
      return availableSchemas();
    default:
      return [];
  }
}

/** The parameter of an upload operation that names the local file. */
function uploadFileParam(op: Operation): string | undefined {
  const { uploadSpecOf } = require('./file-ops') as typeof import('./file-ops');
  return uploadSpecOf(op)?.file;
}

/** The node and storage the values belong to: from the path, else from `--node`/`--storage` typed before. */
function whereOf(ctx: PathContext): { node?: string; storage?: string; creates?: boolean } {
  const fromFlag = (name: string) => {
    const words = ctx.words;
    for (let i = words.length - 1; i >= 0; i--) {
      if (words[i] === `--${name}`) return words[i + 1];
      if (words[i].startsWith(`--${name}=`)) return words[i].slice(name.length + 3);
    }
    return undefined;
  };
  // POST on a collection whose children are {vmid} (…/qemu, …/lxc) makes a new one.
  const template = ctx.resolved?.template;
  const creates = !!template && ctx.ops.some((op) => op.method === 'POST') && ctx.schema.children(template).some((c) => c.endsWith('/{vmid}'));
  return { node: ctx.resolved?.params.node ?? fromFlag('node'), storage: ctx.resolved?.params.storage ?? fromFlag('storage'), creates };
}

/**
 * A property string (`--net0 virtio,bridge=vmbr0`), the piece after the last comma: `key=` for a key begun
 * (`virtio,br` → `virtio,bridge=`), the key's values after its `=` (an enum, or a listing: `bridge=` → the node's
 * bridges), and in the first piece also the values of the default key (`vir` → `virtio`).
 */
async function propertyStringValues(format: Record<string, PropSchema>, typed: string, ctx: PathContext): Promise<string[]> {
  const comma = typed.lastIndexOf(',');
  const done = typed.slice(0, comma + 1);
  const piece = typed.slice(comma + 1);
  const eq = piece.indexOf('=');
  if (eq >= 0) {
    const key = piece.slice(0, eq);
    const keyProp = format[key];
    if (!keyProp) return [];
    let values = valuesOf(keyProp);
    if (!values.length) {
      const listing = listingForParam(key, keyProp, whereOf(ctx));
      values = listing ? await liveValues(listing, ctx.globals) : [];
    }
    return values.map((v) => `${done}${key}=${v}`);
  }
  const used = new Set(done.split(',').map((p) => p.split('=')[0]));
  const keys = Object.entries(format)
    .filter(([k, p]) => !used.has(k) && !p.alias)
    .map(([k]) => `${done}${k}=`);
  const defaultKey = Object.entries(format).find(([, p]) => p.default_key)?.[0];
  const first = comma < 0 && defaultKey ? valuesOf(format[defaultKey]).map((v) => `${v}`) : [];
  return [...first, ...keys];
}

/** `profile`, `task`, `schema`, `mock`, `completion`: the subcommand, then profile names and keys where they go. */
function completeTopic(topic: string, args: string[], current: string): string[] {
  let positionals: string[];
  try {
    positionals = splitGlobals(args).positionals;
  } catch {
    return [];
  }
  if (positionals.length === 0) return filter(SUBCOMMANDS[topic], current);
  if (topic !== 'profile' || current.startsWith('-')) return [];
  const named = PROFILE_NAME_ARG[positionals[0]];
  if (named && positionals.length === 1) return filter(profileNames(named.mock), current);
  if (positionals[0] === 'set' && positionals.length === 2) {
    const { PROFILE_KEYS } = require('../config/file') as typeof import('../config/file');
    return filter(Object.keys(PROFILE_KEYS), current);
  }
  return [];
}

function filter(candidates: string[], prefix: string): string[] {
  return candidates.filter((c) => c.startsWith(prefix));
}

function globalFlagNames(): string[] {
  return GLOBAL_SPECS.filter((s) => s.name !== 'otp').map((s) => `--${s.name}`);
}

function findParam(ops: Operation[], flag: string): PropSchema | undefined {
  for (const op of ops) {
    const props = op.parameters.properties ?? {};
    if (props[flag]) return props[flag];
    const fam = Object.values(props).find((p) => p['x-family'] && new RegExp(`^${p['x-family'].prefix}\\d+$`).test(flag));
    if (fam) return fam;
  }
  return undefined;
}

function valuesOf(p: PropSchema): string[] {
  if (p.enum) return p.enum.map(String);
  if (p.type === 'boolean') return ['1', '0'];
  return [];
}

/**
 * Complete an API path one segment at a time: literal children from the schema, {param} children live.
 * A value may hold a '/' (volume ids such as local:iso/x.iso), so when the deepest level offers nothing the
 * level above is asked too, with the partial value as the filter.
 */
async function completePath(schema: Schema, current: string, globals: GlobalOptions): Promise<string[]> {
  const absolute = current.startsWith('/');
  const text = absolute ? current : `/${current}`;
  const cut = text.lastIndexOf('/');
  let found = await pathLevel(schema, text, cut, globals);
  if (!found.length && cut > 0) {
    const dir = schema.tryResolve(text.slice(0, cut));
    if (dir && /\}$/.test(dir.template)) found = await pathLevel(schema, text, text.lastIndexOf('/', cut - 1), globals);
  }
  // In the form typed: shells match candidates against the word, and zsh and fish drop those that differ.
  return absolute ? found : found.map((c) => c.slice(1));
}

/** Candidates for `text` when its children are listed at the '/' at `cut`. */
async function pathLevel(schema: Schema, text: string, cut: number, globals: GlobalOptions): Promise<string[]> {
  const dir = text.slice(0, cut);
  const parent = splitPath(dir).length === 0 ? undefined : schema.tryResolve(dir);
  if (splitPath(dir).length > 0 && !parent) return [];
  const template = parent?.template ?? '/';
  const out: string[] = [];
  for (const child of schema.children(template)) {
    const seg = child.split('/').pop()!;
    const suffix = schema.children(child).length ? '/' : '';
    const param = /^\{(.+)\}$/.exec(seg);
    if (param) {
      const listing = listingFor(schema, template, parent?.concrete ?? '/', param[1]);
      const values = listing ? await liveValues(listing, globals) : [];
      for (const value of values) out.push(`${dir}/${value}${suffix}`);
    } else out.push(`${dir}/${seg}${suffix}`);
  }
  return filter(out, text);
}

/** Profile names from the config file (the cached snapshot, so no YAML parse), and the built-in `mock` where it is a valid choice. */
function profileNames(withMock: boolean): string[] {
  try {
    const { configFilePath } = require('../config/paths') as typeof import('../config/paths');
    const { loadConfigSnapshot } = require('../config/snapshot') as typeof import('../config/snapshot');
    const { ConfigFile } = require('../config/file') as typeof import('../config/file');
    const { MOCK_PROFILE } = require('../config/resolve') as typeof import('../config/resolve');
    const path = configFilePath();
    const names = loadConfigSnapshot(path, process.env, () => ConfigFile.read(path).snapshot())?.profiles.map(([name]) => name) ?? [];
    return withMock && !names.includes(MOCK_PROFILE) ? [...names, MOCK_PROFILE] : names;
  } catch {
    return [];
  }
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The scripts `pvecli completion SHELL` prints: thin shims that ask `pvecli __complete`. */
export function completionScript(shell: (typeof COMPLETION_SHELLS)[number]): string {
  switch (shell) {
    case 'bash':
      // COMP_WORDS is split at COMP_WORDBREAKS (':', '=', '@'...), which cuts API paths, volume ids and
      // --flag=value apart. Changing COMP_WORDBREAKS would change it for every command in the user's shell, so the
      // words are split from COMP_LINE at blanks instead, and each candidate loses the part before the last
      // break character, which is the only part bash replaces.
      return `# pvecli completion for bash: add to ~/.bashrc:  eval "$(pvecli completion bash)"
_pvecli_complete() {
  local line=\${COMP_LINE:0:COMP_POINT} cur lead='' candidate i
  local -a words
  local IFS=$' \\t\\n'
  read -r -a words <<< "$line"
  if [[ \${#words[@]} -eq 0 || $line == *[[:blank:]] ]]; then words+=(''); fi
  cur=\${words[\${#words[@]}-1]}
  for (( i = \${#cur} - 1; i >= 0; i-- )); do
    if [[ $COMP_WORDBREAKS == *"\${cur:i:1}"* ]]; then lead=\${cur:0:i+1}; break; fi
  done
  COMPREPLY=()
  while IFS= read -r candidate; do
    if [[ $candidate == ${FILES_DIRECTIVE} ]]; then
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return
    fi
    [[ -n $candidate ]] && COMPREPLY+=("\${candidate#"$lead"}")
  done < <(pvecli __complete "\${words[@]:1}" 2>/dev/null)
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *[/=] ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -F _pvecli_complete pvecli
`;
    case 'zsh':
      return `#compdef pvecli
# pvecli completion for zsh: add to ~/.zshrc, after compinit:  eval "$(pvecli completion zsh)"
# (without compinit, as in a bare ~/.zshrc, the script runs it: autoload -Uz compinit && compinit)
if ! (( $+functions[compdef] )); then autoload -Uz compinit && compinit; fi
_pvecli() {
  local -a candidates
  local c
  candidates=("\${(@f)$(pvecli __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ \${candidates[1]} == ${FILES_DIRECTIVE} ]]; then _files; return; fi
  for c in $candidates; do
    [[ -z $c ]] && continue
    if [[ $c == */ ]]; then compadd -Q -S '' -- "$c"; else compadd -Q -- "$c"; fi
  done
}
if (( $+functions[compdef] )); then compdef _pvecli pvecli; fi
`;
    case 'fish':
      // The words before the current one, less the command name; file names only where pvecli says the flag takes
      // a file (--input, --ca-file, an upload's --filename).
      return `# pvecli completion for fish: pvecli completion fish > ~/.config/fish/completions/pvecli.fish
function __pvecli_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l candidates (pvecli __complete $words (commandline -ct) 2>/dev/null)
    if test "$candidates[1]" = '${FILES_DIRECTIVE}'
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $candidates
    end
end
complete -c pvecli -f -a '(__pvecli_complete)'
`;
  }
}


/** Whether `name` is an executable on PATH (what the completion scripts call). */
export function commandOnPath(name: string): boolean {
  const { accessSync, constants } = require('node:fs') as typeof import('node:fs');
  const { delimiter, join } = require('node:path') as typeof import('node:path');
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

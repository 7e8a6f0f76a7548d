import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitPath, type Schema } from '../schema/load';
import type { Operation, PropSchema } from '../schema/types';
import { VERB_METHODS, isVerb } from '../schema/verbs';
import { OUTPUT_FORMATS } from '../output/render';
import { GLOBAL_SPECS, splitGlobals } from './globals';
import { schemaFor } from './context';
import { writeOut } from './io';

/** What the first word can be. */
const COMMANDS = ['get', 'set', 'create', 'delete', 'ls', 'usage', 'profile', 'task', 'mock', 'completion', 'help'];
const SUBCOMMANDS: Record<string, string[]> = {
  profile: ['add', 'list', 'show', 'use', 'rename', 'remove', 'set', 'verify', 'env'],
  task: ['list', 'status', 'log', 'wait', 'stop'],
  mock: ['serve', 'reset'],
  completion: ['bash', 'zsh', 'fish'],
};
const PATH_COMMANDS = new Set(['get', 'set', 'create', 'delete', 'ls', 'usage']);
/** Path parameters whose values are worth a live lookup, and how to get them. */
const DYNAMIC_TTL_MS = 60_000;
const DYNAMIC_TIMEOUT_S = 1.5;

/**
 * `pvecli __complete WORD… CURRENT`: one candidate per line for the shell scripts of `pvecli completion`.
 * Static from the schema; {node}, {vmid} and {storage} values live from the current profile's server, cached
 * briefly, and silently none when the server does not answer in time.
 */
export async function runComplete(words: string[]): Promise<number> {
  const candidates = await complete(words).catch(() => [] as string[]);
  writeOut(candidates.map((c) => c + '\n').join(''));
  return 0;
}

export async function complete(words: string[]): Promise<string[]> {
  const current = words.length ? words[words.length - 1] : '';
  const before = words.slice(0, -1);
  if (before.length === 0) return filter(COMMANDS, current);
  const command = before[0];
  const previous = before[before.length - 1];
  if (previous === '-o' || previous === '--output-format') return filter([...OUTPUT_FORMATS], current);
  if (previous === '-p' || previous === '--profile') return filter(profileNames(), current);
  if (SUBCOMMANDS[command]) {
    if (before.length === 1) return filter(SUBCOMMANDS[command], current);
    if (command === 'profile' && ['use', 'show', 'remove', 'rename', 'set', 'verify'].includes(before[1]) && before.length === 2) {
      return filter(profileNames(), current);
    }
    return [];
  }
  if (!PATH_COMMANDS.has(command)) return [];
  const { globals, positionals } = splitGlobals(before.slice(1));
  const schema = schemaFor(globals);
  if (positionals.length === 0 && !current.startsWith('-')) return completePath(schema, current, globals.profile);
  const path = positionals[0];
  if (!path) return filter(globalFlagNames(), current);
  const resolved = schema.tryResolve(path);
  if (!resolved) return [];
  const ops: Operation[] = isVerb(command)
    ? [schema.operation(resolved.template, VERB_METHODS[command])].filter((o): o is Operation => Boolean(o))
    : [];
  if (previous.startsWith('--') && !previous.includes('=')) {
    const prop = findParam(ops, previous.slice(2));
    if (prop) return filter(valuesOf(prop), current);
  }
  if (current.startsWith('-')) {
    const flags = new Set<string>();
    for (const op of ops) {
      for (const [name, p] of Object.entries(op.parameters.properties ?? {})) {
        if (resolved.template.includes(`{${name}}`)) continue;
        const fam = p['x-family'];
        if (fam) for (let i = 0; i <= fam.max; i++) flags.add(`--${fam.prefix}${i}`);
        else flags.add(`--${name}`);
      }
    }
    if (command === 'usage') ['--verbose', '--returns', '--command'].forEach((f) => flags.add(f));
    return filter([...flags, ...globalFlagNames()], current);
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

/** Complete an API path one segment at a time: literal children from the schema, {param} children live. */
async function completePath(schema: Schema, current: string, profile?: string): Promise<string[]> {
  const text = current.startsWith('/') ? current : `/${current}`;
  const cut = text.lastIndexOf('/');
  const dir = text.slice(0, cut);
  const partial = text.slice(cut + 1);
  const parent = splitPath(dir).length === 0 ? undefined : schema.tryResolve(dir);
  if (dir && splitPath(dir).length > 0 && !parent) return [];
  const template = parent?.template ?? '/';
  const out: string[] = [];
  for (const child of schema.children(template)) {
    const seg = child.split('/').pop()!;
    const suffix = schema.children(child).length ? '/' : '';
    const param = /^\{(.+)\}$/.exec(seg);
    if (param) {
      for (const value of await dynamicValues(param[1], parent?.params ?? {}, profile)) out.push(`${dir}/${value}${suffix}`);
    } else out.push(`${dir}/${seg}${suffix}`);
  }
  return filter(out, `${dir}/${partial}`);
}

interface DynamicCache {
  [key: string]: { at: number; values: string[] };
}

/** Values of {node}, {vmid}, {storage} from the server; [] on any failure (completion must never get in the way). */
async function dynamicValues(param: string, known: Record<string, string>, profile?: string): Promise<string[]> {
  const lookup = dynamicRequest(param, known);
  if (!lookup) return [];
  const config = require('../config') as typeof import('../config');
  const cacheFile = join(config.cacheDir(), `complete-${profile ?? process.env.PVECLI_PROFILE ?? 'current'}.json`);
  const key = `${lookup.path}?${new URLSearchParams(lookup.params).toString()}`;
  let cache: DynamicCache = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as DynamicCache;
    const hit = cache[key];
    if (hit && Date.now() - hit.at < DYNAMIC_TTL_MS) return hit.values;
  } catch {
    // no cache yet
  }
  const { openConnection } = require('./connection') as typeof import('./connection');
  const conn = await openConnection({ profile, requestTimeout: DYNAMIC_TIMEOUT_S }, { needServer: true });
  try {
    const rows = await conn.client().request<Array<Record<string, unknown>>>({ method: 'GET', path: lookup.path, params: lookup.params });
    const values = [...new Set((rows ?? []).map(lookup.pick).filter((v): v is string => Boolean(v)))].sort();
    cache[key] = { at: Date.now(), values };
    saveCache(cacheFile, cache);
    return values;
  } catch {
    return [];
  } finally {
    await conn.close().catch(() => undefined);
  }
}

function dynamicRequest(
  param: string,
  known: Record<string, string>,
): { path: string; params: Record<string, string>; pick: (r: Record<string, unknown>) => string | undefined } | undefined {
  switch (param) {
    case 'node':
      return { path: '/nodes', params: {}, pick: (r) => r.node as string };
    case 'vmid':
      return {
        path: '/cluster/resources',
        params: { type: 'vm' },
        pick: (r) => (!known.node || r.node === known.node ? String(r.vmid) : undefined),
      };
    case 'storage':
      return known.node
        ? { path: `/nodes/${known.node}/storage`, params: {}, pick: (r) => r.storage as string }
        : { path: '/storage', params: {}, pick: (r) => r.storage as string };
    default:
      return undefined;
  }
}

function saveCache(file: string, cache: DynamicCache): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs the next completion a request
  }
}

function profileNames(): string[] {
  try {
    const config = require('../config') as { listProfileNames?: () => string[] };
    return config.listProfileNames?.() ?? [];
  } catch {
    return [];
  }
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The scripts `pvecli completion SHELL` prints: thin shims that ask `pvecli __complete`. */
export function completionScript(shell: (typeof COMPLETION_SHELLS)[number]): string {
  switch (shell) {
    case 'bash':
      return `# pvecli completion for bash: add to ~/.bashrc:  eval "$(pvecli completion bash)"
_pvecli_complete() {
  local IFS=$'\\n' cur words
  COMP_WORDBREAKS=\${COMP_WORDBREAKS//:/}
  COMP_WORDBREAKS=\${COMP_WORDBREAKS//=/}
  words=("\${COMP_WORDS[@]:1:COMP_CWORD}")
  COMPREPLY=($(pvecli __complete "\${words[@]}" 2>/dev/null))
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -o default -F _pvecli_complete pvecli
`;
    case 'zsh':
      return `#compdef pvecli
# pvecli completion for zsh: add to ~/.zshrc:  eval "$(pvecli completion zsh)"
_pvecli() {
  local -a candidates
  local c
  candidates=("\${(@f)$(pvecli __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for c in $candidates; do
    [[ -z $c ]] && continue
    if [[ $c == */ ]]; then compadd -Q -S '' -- "$c"; else compadd -Q -- "$c"; fi
  done
}
if (( $+functions[compdef] )); then compdef _pvecli pvecli; fi
`;
    case 'fish':
      return `# pvecli completion for fish: pvecli completion fish > ~/.config/fish/completions/pvecli.fish
complete -c pvecli -f -a '(pvecli __complete (commandline -opc)[2..-1] (commandline -ct))'
`;
  }
}


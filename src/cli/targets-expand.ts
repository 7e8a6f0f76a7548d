/**
 * A pattern such as `/nodes/*\/qemu/*\/status/shutdown` made concrete: each `*` (or `web*`) stands for a node, a
 * guest ID or a storage, and the matching objects come from one GET /cluster/resources, filtered by --where.
 */
import { UsageError } from '../errors';
import type { Schema } from '../schema/load';
import { fillTemplate } from '../schema/load';
import { splitGlobals } from './globals';

/** A --where condition on a /cluster/resources entry. */
export interface WhereFilter {
  key: string;
  op: '=' | '!=' | '~' | '!~';
  value: string;
  regex?: RegExp;
}

/** The path parameters a `*` may stand for, and the field of a /cluster/resources entry that holds each. */
const WILD_PARAMS: Record<string, string> = { node: 'node', vmid: 'vmid', storage: 'storage' };

/** `status=running`, `tags~web`, `name!~^test`, `node!=pve2`: checked before anything is sent. */
export function parseWhere(text: string): WhereFilter {
  const m = /^([A-Za-z][\w-]*)(!=|!~|=|~)(.*)$/.exec(text);
  if (!m) throw new UsageError(`--where '${text}': expected KEY=VALUE, KEY!=VALUE, KEY~REGEX or KEY!~REGEX`, "e.g. --where status=running --where 'tags~web'");
  const [, key, op, value] = m;
  const filter: WhereFilter = { key, op: op as WhereFilter['op'], value };
  if (op.endsWith('~')) {
    try {
      filter.regex = new RegExp(value);
    } catch (err) {
      throw new UsageError(`--where '${text}': ${(err as Error).message}`);
    }
  }
  return filter;
}

export function matchesWhere(row: Record<string, unknown>, filter: WhereFilter): boolean {
  const raw = row[filter.key];
  const text = raw === undefined || raw === null ? '' : String(raw);
  switch (filter.op) {
    case '=':
      return text === filter.value;
    case '!=':
      return text !== filter.value;
    case '~':
      return filter.regex!.test(text);
    case '!~':
      return !filter.regex!.test(text);
  }
}

/** --where given where no pattern is: it would filter nothing, which is not what was meant. */
export function whereWithoutPattern(): UsageError {
  return new UsageError("--where filters the targets of a '*' pattern", "e.g. pvecli create '/nodes/*/qemu/*/status/shutdown' --where status=running");
}

export function isPattern(path: string): boolean {
  return path.includes('*');
}

/** Several API paths, or a path with a `*`: not one call but many (src/cli/targets.ts runs them). */
export function isManyTargets(argv: string[]): boolean {
  const { positionals } = splitGlobals(argv);
  return positionals.some(isPattern) || (positionals.length > 1 && positionals.every((p) => p.startsWith('/')));
}

/** A pattern resolved against the schema: its template, the fixed values and the globs of its parameters. */
export interface Pattern {
  text: string;
  template: string;
  params: Record<string, string>;
  /** Which /cluster/resources entries can match: `vm` (and which guest type), `storage` or `node`. */
  kind: 'vm' | 'storage' | 'node';
  guestType?: 'qemu' | 'lxc';
}

/** Resolve a pattern; a `*` where no node, guest ID or storage stands is a usage error (nothing sent). */
export function parsePattern(schema: Schema, text: string): Pattern {
  const resolved = schema.resolve(text);
  const params = resolved.params;
  for (const [name, value] of Object.entries(params)) {
    if (value.includes('*') && !(name in WILD_PARAMS)) {
      throw new UsageError(`'${text}': a * can stand for a node, a guest ID or a storage, not for {${name}}`, 'the * values are looked up in /cluster/resources');
    }
  }
  // A template's open {param} (filled by a flag for one path) has no meaning in a pattern, which is filled from the resources.
  const open = /\{(\w+)\}/.exec(text);
  if (open) throw new UsageError(`'${text}': write the ${open[1]} or a * in a pattern, not {${open[1]}}`, 'a pattern is filled from /cluster/resources, not from flags');
  if (!Object.values(params).some((v) => v.includes('*'))) {
    throw new UsageError(`'${text}': a * can stand for a node, a guest ID or a storage only`, 'e.g. /nodes/*/qemu/*/status/shutdown');
  }
  const guestType = /\/qemu\/\{vmid\}/.test(resolved.template) ? 'qemu' : /\/lxc\/\{vmid\}/.test(resolved.template) ? 'lxc' : undefined;
  const kind = 'vmid' in params ? 'vm' : 'storage' in params ? 'storage' : 'node';
  return { text, template: resolved.template, params, kind, guestType };
}

/** `web*` → /^web.*$/; a value without `*` must be equal. */
function globMatches(glob: string, value: string): boolean {
  if (!glob.includes('*')) return glob === value;
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(value);
}

/**
 * The concrete paths of a pattern: one per /cluster/resources entry whose node, guest ID or storage fits the
 * pattern and that passes every filter. A filter on a key no entry has is a usage error (a typo matches nothing).
 */
export function expandPattern(pattern: Pattern, rows: Array<Record<string, unknown>>, filters: WhereFilter[]): string[] {
  const candidates = rows.filter((row) => {
    if (pattern.kind === 'vm' ? !(row.type === 'qemu' || row.type === 'lxc') : row.type !== pattern.kind) return false;
    if (pattern.guestType && row.type !== pattern.guestType) return false;
    return Object.entries(pattern.params).every(([name, glob]) => !(name in WILD_PARAMS) || globMatches(glob, String(row[WILD_PARAMS[name]] ?? '')));
  });
  for (const f of filters) {
    if (candidates.length > 0 && !candidates.some((row) => f.key in row)) {
      const keys = [...new Set(candidates.flatMap((row) => Object.keys(row)))].sort();
      throw new UsageError(`--where ${f.key}: no matching /cluster/resources entry has '${f.key}'`, `keys: ${keys.join(', ')}`);
    }
  }
  return candidates
    .filter((row) => filters.every((f) => matchesWhere(row, f)))
    .map((row) => {
      const values = { ...pattern.params };
      for (const name of Object.keys(values)) if (name in WILD_PARAMS && values[name].includes('*')) values[name] = String(row[WILD_PARAMS[name]]);
      return fillTemplate(pattern.template, values);
    });
}

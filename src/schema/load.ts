import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors';
import { packageRoot } from '../util/package-root';
import { encodePathSegment } from '../util/path-segment';
import { DEFAULT_SCHEMA_ID } from './source';
import { syncedSchemaRoot } from './synced-root';
import { buildTrie, matchTrie, type PathTrie } from './trie';
import type { HttpMethod, IndexEntry, Operation, PathDoc, SchemaIndex } from './types';

/** schema/ at the package root (from dist/src/schema or, under the tests, src/schema), or PVECLI_SCHEMA_ROOT. */
export function schemaRoot(): string {
  if (process.env.PVECLI_SCHEMA_ROOT) return resolve(process.env.PVECLI_SCHEMA_ROOT);
  return join(packageRoot(), 'schema');
}

export interface ResolvedPath {
  /** Template, e.g. /nodes/{node}/qemu/{vmid} */
  template: string;
  /** The user's path, normalised and percent-encoded per segment: /nodes/pve/qemu/100, …/content/local:iso%2Fx.iso */
  concrete: string;
  params: Record<string, string>;
  methods: HttpMethod[];
  file: number;
}

/** Final path parameters whose values contain '/' (volume IDs: `local:iso/x.iso`, `local:backup/vzdump-….zst`). */
const SLASHED_PARAMS = new Set(['volume']);

/** One compiled schema: a small index in memory, per-path documents read on demand. */
export class Schema {
  private readonly trie: PathTrie;
  private byTemplateMap?: Map<string, IndexEntry>;
  private childrenMap?: Map<string, string[]>;
  private readonly docs = new Map<number, PathDoc>();

  constructor(
    readonly index: SchemaIndex,
    private readonly dir: string,
  ) {
    this.trie = index.trie ?? buildTrie(index.entries);
  }

  private get byTemplate(): Map<string, IndexEntry> {
    return (this.byTemplateMap ??= new Map(this.index.entries.map((entry) => [entry[0], entry])));
  }

  /** Parent template ('' for the root) → its child templates, in index order; built when first needed. */
  private get childrenOf(): Map<string, string[]> {
    if (!this.childrenMap) {
      this.childrenMap = new Map();
      for (const [template] of this.index.entries) {
        // Templates are stored normalised ('/a/{b}'), never encoded: a plain split will do.
        const segs = template.split('/').filter(Boolean);
        // The root is nobody's child: PBS and PDM data give '/' itself a node (its GET is the directory index).
        if (segs.length === 0) continue;
        const parent = segs.length > 1 ? '/' + segs.slice(0, -1).join('/') : '';
        const siblings = this.childrenMap.get(parent);
        if (siblings) siblings.push(template);
        else this.childrenMap.set(parent, [template]);
      }
    }
    return this.childrenMap;
  }

  get id(): string {
    return this.index.id;
  }

  /** Resolve a concrete or template path; undefined when no API path matches. */
  tryResolve(path: string): ResolvedPath | undefined {
    let segs = splitPath(path);
    let params: Record<string, string> = {};
    let found = matchTrie(this.trie, segs, 0, params);
    // `…/content/local:iso/debian.iso`: a volume ID typed with its '/' unencoded is still one segment.
    for (let k = segs.length - 1; found === undefined && k > 0; k--) {
      const joined = [...segs.slice(0, k), segs.slice(k).join('/')];
      const candidate: Record<string, string> = {};
      const match = matchTrie(this.trie, joined, 0, candidate);
      const last = match === undefined ? '' : (this.index.entries[match][0].split('/').pop() ?? '');
      if (SLASHED_PARAMS.has(last.slice(1, -1))) {
        [segs, params, found] = [joined, candidate, match];
      }
    }
    if (found === undefined) return undefined;
    const [template, methods, file] = this.index.entries[found];
    return {
      template,
      concrete: '/' + segs.map(encodePathSegment).join('/'),
      params,
      methods: methods ? (methods.split(',') as HttpMethod[]) : [],
      file,
    };
  }

  /** Resolve or fail with exit 2 and up to three nearest known paths. */
  resolve(path: string): ResolvedPath {
    const resolved = this.tryResolve(path);
    if (resolved) return resolved;
    const shown = '/' + splitPath(path).join('/');
    const near = this.nearestPaths(path);
    throw new CliError(
      `no such API path '${shown}'`,
      ExitCode.usage,
      near.length ? `did you mean ${near.map((p) => `'${p}'`).join(', ')}?` : "try 'pvecli ls /'",
    );
  }

  /**
   * Known paths near an unknown one: below its deepest resolvable prefix, the children whose name is nearest the
   * mistyped segment, completed with the rest of the user's path when that then resolves
   * (`/nodes/pve/qemu/100/statuz/current` → `/nodes/pve/qemu/100/status/current`).
   */
  nearestPaths(path: string, limit = 3): string[] {
    const segs = splitPath(path);
    for (let depth = segs.length - 1; depth >= 0; depth--) {
      const prefix = depth === 0 ? '' : '/' + segs.slice(0, depth).join('/');
      const parent = depth === 0 ? undefined : this.tryResolve(prefix);
      if (depth > 0 && !parent) continue;
      const names = this.children(parent?.template ?? '/').map((c) => c.split('/').pop()!);
      const rest = segs.slice(depth + 1);
      return nearestByDistance(segs[depth], names, limit).map((name) => {
        const fixed = `${prefix}/${name}`;
        const whole = rest.length ? `${fixed}/${rest.join('/')}` : fixed;
        // Only when the rest lands on named segments: '/nodes' + 'resources' resolves too, as a node called so.
        const after = this.tryResolve(whole)?.template.split('/').slice(depth + 2) ?? [];
        return after.some((seg) => !seg.startsWith('{')) ? whole : fixed;
      });
    }
    return [];
  }

  /** Template paths directly below a template ('/' for the root). */
  children(template: string): string[] {
    const segs = template.split('/').filter(Boolean);
    return [...(this.childrenOf.get(segs.length ? '/' + segs.join('/') : '') ?? [])];
  }

  methodsOf(template: string): HttpMethod[] {
    const m = this.byTemplate.get(template)?.[1];
    return m ? (m.split(',') as HttpMethod[]) : [];
  }

  /** The per-path document (read once per process). */
  doc(fileOrTemplate: number | string): PathDoc {
    const file = typeof fileOrTemplate === 'number' ? fileOrTemplate : this.byTemplate.get(fileOrTemplate)?.[2];
    if (file === undefined) throw new CliError(`no such API path '${fileOrTemplate}'`, ExitCode.usage);
    let doc = this.docs.get(file);
    if (!doc) {
      doc = JSON.parse(readFileSync(join(this.dir, 'p', `${file}.json`), 'utf8')) as PathDoc;
      this.docs.set(file, doc);
    }
    return doc;
  }

  operation(template: string, method: HttpMethod): Operation | undefined {
    return this.doc(template).info[method];
  }

  /** Absolute directory of this compiled schema (validators and other build output live here). */
  get directory(): string {
    return this.dir;
  }
}

function nearestByDistance(word: string, candidates: string[], limit: number): string[] {
  // Imported lazily: only error paths pay for it.
  const { editDistance } = require('../util/text') as typeof import('../util/text');
  return candidates
    .map((c) => [c, editDistance(word, c)] as const)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([c]) => c);
}

/** A template with its parameters filled in, each value percent-encoded as one segment. */
export function fillTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => (name in params ? encodePathSegment(params[name]) : whole));
}

/** '/nodes//pve/' → ['nodes', 'pve']; URL-decoded segments. */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!s.includes('%')) return s;
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

const loaded = new Map<string, Schema>();

/** Where a schema comes from: built with pvecli (bundled) or fetched from a server by `schema sync` (synced). */
export type SchemaOrigin = 'bundled' | 'synced';

/** Compiled schema ids in one root (complete ones only: a sync or build in progress has a `.tmp-` name). */
function schemasIn(root: string): string[] {
  if (!existsSync(root)) return [];
  return require('node:fs')
    .readdirSync(root, { withFileTypes: true })
    .filter((d: import('node:fs').Dirent) => d.isDirectory() && !d.name.includes('.tmp-') && existsSync(join(root, d.name, 'index.json')))
    .map((d: import('node:fs').Dirent) => d.name);
}

/** Bundled and synced schema ids, each once, sorted. */
export function availableSchemas(): string[] {
  return [...new Set([...schemasIn(schemaRoot()), ...schemasIn(syncedSchemaRoot())])].sort();
}

/** The directory of a schema id: a synced one wins over the bundled one of the same version (DESIGN.md §2). */
export function schemaLocation(id: string): { dir: string; origin: SchemaOrigin } | undefined {
  // An id names a directory: nothing that could step out of the schema roots.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) return undefined;
  const synced = join(syncedSchemaRoot(), id);
  if (existsSync(join(synced, 'index.json'))) return { dir: synced, origin: 'synced' };
  const bundled = join(schemaRoot(), id);
  return existsSync(join(bundled, 'index.json')) ? { dir: bundled, origin: 'bundled' } : undefined;
}

/** Load a compiled schema by id (`pve-9.2`, or `pve` for the newest of a product). */
export function loadSchema(id: string = DEFAULT_SCHEMA_ID): Schema {
  const cached = loaded.get(id);
  if (cached) return cached;
  let found = schemaLocation(id);
  if (!found && /^[a-z]+$/.test(id)) {
    const newest = availableSchemas()
      .filter((s) => s.startsWith(id + '-'))
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
      .pop();
    if (newest) found = schemaLocation(newest);
  }
  if (!found) {
    const have = availableSchemas();
    if (have.length === 0) {
      throw new CliError(
        `the API schema has not been built (looked for ${join(schemaRoot(), id, 'index.json')})`,
        ExitCode.internal,
        "run 'npm run build' with ../shared/proxmox-schema present, or PVECLI_SCHEMA_SOURCE=FILE|https://NODE:8006/pve-docs/api-viewer/apidata.js",
      );
    }
    throw new CliError(`unknown schema '${id}'`, ExitCode.usage, `available: ${have.join(', ')}`);
  }
  const { dir } = found;
  const indexFile = join(dir, 'index.json');
  const schema = new Schema(JSON.parse(readFileSync(indexFile, 'utf8')) as SchemaIndex, dir);
  loaded.set(id, schema);
  return schema;
}

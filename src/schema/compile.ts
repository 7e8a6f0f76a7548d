import type { HttpMethod, IndexEntry, Operation, PathDoc, PropSchema, SchemaIndex } from './types';
import { isOptional, METHODS } from './types';
import { buildTrie } from './trie';

interface RawNode {
  path: string;
  text?: string;
  leaf?: number;
  info?: Record<string, Record<string, unknown>>;
  children?: RawNode[];
}

export interface CompiledSchema {
  index: SchemaIndex;
  docs: PathDoc[];
}

/** Turn the upstream API tree into an index plus one document per path (the per-path file is `docs[i]`). */
export function compileTree(tree: unknown[], id: string, familyMax: Record<string, number>): CompiledSchema {
  const [product, version = ''] = id.split(/-(.*)/s);
  const docs: PathDoc[] = [];
  const entries: IndexEntry[] = [];
  let operations = 0;
  const walk = (nodes: RawNode[]) => {
    for (const node of nodes) {
      const info: PathDoc['info'] = {};
      const methods: string[] = [];
      for (const method of METHODS) {
        const raw = node.info?.[method];
        if (!raw) continue;
        info[method] = normaliseOperation(raw, method, node.path, familyMax);
        methods.push(method);
        operations++;
      }
      entries.push([node.path, methods.join(','), docs.length]);
      docs.push({ path: node.path, text: node.text ?? node.path.split('/').pop() ?? '', info });
      if (node.children) walk(node.children);
    }
  };
  walk(tree as RawNode[]);
  entries.sort((a, b) => a[0].localeCompare(b[0]));
  return { index: { id, product, version, operations, paths: entries.length, entries, trie: buildTrie(entries) }, docs };
}

function normaliseOperation(
  raw: Record<string, unknown>,
  method: HttpMethod,
  path: string,
  familyMax: Record<string, number>,
): Operation {
  const params = (raw.parameters ?? {}) as Operation['parameters'];
  const properties: Record<string, PropSchema> = {};
  for (const [name, prop] of Object.entries(params.properties ?? {})) {
    const p = normaliseProp(prop);
    const family = /^([a-z_-]+?)\[n\]$/i.exec(name);
    if (family) p['x-family'] = { prefix: family[1], max: familyRange(family[1], p, familyMax) };
    properties[name] = p;
  }
  const op: Operation = { ...(raw as object), method, path, parameters: { ...params, properties } } as Operation;
  if (raw.returns) op.returns = normaliseProp(raw.returns as PropSchema);
  return op;
}

/** Highest index of a numbered family: "(n is 0 to 30)", "link0..link7", "up to 8 links", else the overlay table. */
export function familyRange(prefix: string, prop: PropSchema, familyMax: Record<string, number>): number {
  const text = `${prop.description ?? ''} ${prop.verbose_description ?? ''}`;
  const candidates: number[] = [];
  for (const m of text.matchAll(/n is 0 to (\d+)/g)) candidates.push(Number(m[1]));
  for (const m of text.matchAll(/can be up to (\d+)/g)) candidates.push(Number(m[1]));
  for (const m of text.matchAll(new RegExp(`${prefix}0\\.\\.${prefix}(\\d+)`, 'g'))) candidates.push(Number(m[1]));
  if (candidates.length > 0) return Math.max(...candidates);
  return familyMax[prefix] ?? 31;
}

const NUMERIC_KEYS = ['minimum', 'maximum', 'minLength', 'maxLength'] as const;

/** Fix the data's quirks once, at build time: numeric limits and `optional` given as strings, `enum` not an array. */
export function normaliseProp(input: PropSchema): PropSchema {
  const p: PropSchema = { ...input };
  if (p.optional !== undefined) p.optional = isOptional(p) ? 1 : 0;
  for (const key of NUMERIC_KEYS) {
    if (typeof p[key] === 'string' && p[key] !== '' && !Number.isNaN(Number(p[key]))) p[key] = Number(p[key]);
  }
  if (p.enum !== undefined && !Array.isArray(p.enum)) p.enum = [p.enum];
  if (p.format && typeof p.format === 'object') {
    const sub: Record<string, PropSchema> = {};
    for (const [k, v] of Object.entries(p.format)) sub[k] = normaliseProp(v);
    p.format = sub;
  }
  if (p.items && typeof p.items === 'object') p.items = normaliseProp(p.items);
  if (p.properties && typeof p.properties === 'object') {
    const props: Record<string, PropSchema> = {};
    for (const [k, v] of Object.entries(p.properties)) props[k] = normaliseProp(v);
    p.properties = props;
  }
  if (p.additionalProperties && typeof p.additionalProperties === 'object') {
    p.additionalProperties = normaliseProp(p.additionalProperties);
  }
  return p;
}

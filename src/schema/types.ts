import type { PathTrie } from './trie';
/** Runtime schema types: what `npm run build` writes under schema/<id>/ and what the CLI reads. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE'];

/** A Proxmox JSON-schema fragment (parameter, property-string key or return value), normalised at build time. */
export interface PropSchema {
  type?: string;
  description?: string;
  verbose_description?: string;
  /** 1, true, or (in a few upstream entries, e.g. realm sync) the string "1": read it with isOptional(). */
  optional?: number | string | boolean;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string | Record<string, PropSchema>;
  format_description?: string;
  typetext?: string;
  items?: PropSchema;
  properties?: Record<string, PropSchema>;
  additionalProperties?: boolean | number | PropSchema;
  default_key?: number | boolean;
  alias?: string;
  keyAlias?: string;
  requires?: string;
  renderer?: string;
  /** Set at build time on `name[n]` parameters: the family prefix and highest index. */
  'x-family'?: { prefix: string; max: number };
  [extra: string]: unknown;
}

/** Whether a parameter or key may be left out: the data writes this as 1, true or "1" (and 0, false, "0"). */
export function isOptional(p: Pick<PropSchema, 'optional'>): boolean {
  return p.optional === 1 || p.optional === true || p.optional === '1';
}

export interface Operation {
  method: HttpMethod;
  /** The template path, e.g. /nodes/{node}/qemu. */
  path: string;
  name?: string;
  description?: string;
  parameters: { type?: string; properties: Record<string, PropSchema>; additionalProperties?: unknown };
  returns?: PropSchema;
  permissions?: Record<string, unknown>;
  allowtoken?: number;
  protected?: number;
  proxyto?: string;
  unstable?: unknown;
  [extra: string]: unknown;
}

/** One per-path file: schema/<id>/p/<file>.json */
export interface PathDoc {
  path: string;
  text: string;
  info: Partial<Record<HttpMethod, Operation>>;
}

/** One row of the index: template path, methods present ("GET,POST"), per-path file number. */
export type IndexEntry = [path: string, methods: string, file: number];

export interface SchemaIndex {
  id: string;
  product: string;
  version: string;
  operations: number;
  paths: number;
  entries: IndexEntry[];
  /** The path tree over `entries` (absent in indexes built before it existed: then built at load). */
  trie?: PathTrie;
}

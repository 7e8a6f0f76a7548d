/**
 * Live values for a `{param}` path segment during completion (`/nodes/pve/qemu/<TAB>` → the qemu guests on pve).
 * Where they come from is read from the schema, not written per endpoint: the parent path's GET lists the children,
 * and its `links` (`{"rel": "child", "href": "{vmid}"}`) name the field that holds each child's id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PickedSettings } from '../config/precedence';
import type { Schema } from '../schema/load';
import type { PropSchema } from '../schema/types';
import type { GlobalOptions } from './globals';

const TTL_MS = 60_000;
const TIMEOUT_S = 1.5;

/** Values a listing returns that are not children: the snapshot list ends with the pseudo-snapshot `current` ("You are here!"). */
const NOT_CHILDREN: Record<string, string[]> = { snapname: ['current'] };

export interface Listing {
  /** Concrete path to GET, e.g. /nodes/pve/qemu */
  path: string;
  /** Row field holding a child's id, e.g. vmid */
  field: string;
  param: string;
  /** Query parameters of the GET (`type=vm`). */
  params?: Record<string, string>;
  /** The field holds a comma list (a storage's `content`): each item is a value. */
  split?: boolean;
  /** Only rows of these `type`s (bridges: the server filters by `type=any_bridge`; this holds for any server). */
  types?: string[];
  /** The reply is one value, not a list (`/cluster/nextid`). */
  single?: boolean;
}

/**
 * Where a flag's values are listed, from the parameter's format (the schema's link between a value and the objects
 * it names), else its name: `--node` → GET /nodes, `--vmid` → the cluster's guests, `--storage` → the node's
 * storages, `--bridge` (or `bridge=` in `--net0`) → the node's bridges, `--pool` → the pools, `--content` → the
 * content types of the node's storages. `node` and `storage`: from the path or the flags typed so far.
 */
export function listingForParam(name: string, prop: PropSchema | undefined, where: { node?: string; storage?: string; creates?: boolean }): Listing | undefined {
  const format = typeof prop?.format === 'string' ? prop.format : undefined;
  const enc = encodeURIComponent;
  const node = where.node && /^[\w.-]+$/.test(where.node) ? where.node : undefined;
  if (format === 'pve-node' || name === 'node') return { path: '/nodes', field: 'node', param: name };
  // A new guest's ID (`clone --newid`, `create /nodes/pve/qemu --vmid`): the next free one, not the taken ones.
  if ((format === 'pve-vmid' || name === 'vmid') && (name === 'newid' || where.creates)) return { path: '/cluster/nextid', field: '', param: name, single: true };
  if (format === 'pve-vmid' || name === 'vmid') return { path: '/cluster/resources', field: 'vmid', param: name, params: { type: 'vm' } };
  if (format === 'pve-storage-id' || name === 'storage') return node ? { path: `/nodes/${enc(node)}/storage`, field: 'storage', param: name } : { path: '/storage', field: 'storage', param: name };
  if (format === 'pve-poolid' || name === 'pool' || name === 'poolid') return { path: '/pools', field: 'poolid', param: name };
  if (format === 'pve-bridge-id' || name === 'bridge') return node ? { path: `/nodes/${enc(node)}/network`, field: 'iface', param: name, params: { type: 'any_bridge' }, types: ['bridge', 'OVSBridge'] } : undefined;
  if (format === 'pve-storage-content' || format === 'pve-storage-content-list' || name === 'content') {
    if (!node) return undefined;
    return { path: `/nodes/${enc(node)}/storage`, field: 'content', param: name, split: true, ...(where.storage ? { params: { storage: where.storage } } : {}) };
  }
  return undefined;
}

/**
 * Completion's time box (DESIGN.md §7: one word, cache miss included, ≤ 2.5× `node -e 0`): live lookups still
 * running when the process has been up this long are answered without (from the schema), and finish after the
 * answer, filling the cache for the next TAB. PVECLI_COMPLETE_WAIT_MS overrides it (tests on a loaded machine).
 */
const DEFAULT_DEADLINE_MS = 90;
const pending: Array<Promise<unknown>> = [];

function deadlineMs(): number {
  const set = Number(process.env.PVECLI_COMPLETE_WAIT_MS);
  return Number.isFinite(set) && process.env.PVECLI_COMPLETE_WAIT_MS !== '' && set >= 0 ? set : DEFAULT_DEADLINE_MS;
}

/** `values`, or [] once the deadline has passed; the lookup itself goes on (see afterAnswer). */
function withinDeadline(values: Promise<string[]>): Promise<string[]> {
  pending.push(values);
  const left = deadlineMs() - performance.now();
  if (left <= 0) return Promise.resolve([]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), left)));
  return Promise.race([values, timeout]).finally(() => clearTimeout(timer));
}

/** Lookups the answer did not wait for: the caller lets them finish (into the cache) after closing stdout. */
export function unfinishedLookups(): Array<Promise<unknown>> {
  return pending;
}

/**
 * How to list the values of `{param}` below the concrete, normalised path `parentPath` (template `parentTemplate`);
 * undefined when the parent has no GET or its reply is known not to be a list of children.
 */
export function listingFor(schema: Schema, parentTemplate: string, parentPath: string, param: string): Listing | undefined {
  if (!schema.methodsOf(parentTemplate).includes('GET')) return undefined;
  const returns = schema.operation(parentTemplate, 'GET')?.returns;
  const links = returns?.links as Array<{ rel?: string; href?: string }> | undefined;
  const href = links?.find((l) => l.rel === 'child' && /^\{[^}]+\}$/.test(l.href ?? ''))?.href;
  const field = href
    ? href.slice(1, -1)
    : returns?.type === 'array' && returns.items?.properties?.[param]
      ? param
      // Some schemas (PBS, PDM) leave the reply undeclared: the server may still list the children by that name.
      : !returns?.type || returns.type === 'null'
        ? param
        : undefined;
  return field ? { path: parentPath, field, param } : undefined;
}

interface CacheEntry {
  at: number;
  values: string[];
}

/**
 * The listing's values from the current target, cached briefly per target and listing; [] on any failure,
 * since completion must never get in the way.
 */
export function liveValues(listing: Listing, globals: GlobalOptions): Promise<string[]> {
  const target = targetIdentity(globals);
  if (!target) return Promise.resolve([]);
  const config = require('../config') as typeof import('../config');
  const cacheFile = join(config.cacheDir(), 'complete-values.json');
  // Everything the values depend on: which server as which user, what is listed, and which field is picked.
  const key = JSON.stringify([target, listing.path, listing.params ?? {}, listing.field, listing.param]);
  const hit = readCache(cacheFile)[key];
  // A cached answer is instant: only the request is time-boxed.
  if (hit && Date.now() - hit.at < TTL_MS) return Promise.resolve(hit.values);
  return withinDeadline(lookup(listing, globals, cacheFile, key));
}

async function lookup(listing: Listing, globals: GlobalOptions, cacheFile: string, key: string): Promise<string[]> {
  const { openConnection } = require('./connection') as typeof import('./connection');
  let conn: Awaited<ReturnType<typeof openConnection>> | undefined;
  try {
    conn = await openConnection({ ...globals, requestTimeout: TIMEOUT_S }, { needServer: true, silent: true });
    const rows = await conn.client().request<unknown>({ method: 'GET', path: listing.path, ...(listing.params ? { params: listing.params } : {}) });
    const values = pickValues(rows, listing);
    saveCache(cacheFile, { ...freshEntries(readCache(cacheFile)), [key]: { at: Date.now(), values } });
    return values;
  } catch {
    return [];
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export function pickValues(rows: unknown, listing: Pick<Listing, 'field' | 'param' | 'split' | 'types' | 'single'>): string[] {
  if (listing.single) return typeof rows === 'string' || typeof rows === 'number' ? [String(rows)] : [];
  if (!Array.isArray(rows)) return [];
  const skip = NOT_CHILDREN[listing.param] ?? [];
  const values = rows
    .filter((r) => !listing.types || (r && typeof r === 'object' && listing.types.includes(String((r as Record<string, unknown>).type))))
    .map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>)[listing.field] : undefined))
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .flatMap((v) => (listing.split ? String(v).split(',') : [String(v)]))
    .filter((v) => v !== '' && !skip.includes(v));
  return [...new Set(values)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/**
 * Which server, as whom: the selected profile and everything that picks the server and the user.
 * The built-in mock's data lives in the state directory, so that is part of its identity.
 */
function targetIdentity(globals: GlobalOptions): string | undefined {
  const config = require('../config') as typeof import('../config');
  try {
    const { kind, picked } = config.selectConnection({ profile: globals.profile }, process.env, () => undefined);
    const user = picked.tokenId.value ?? picked.username.value ?? '';
    return kind === 'mock'
      ? `mock ${config.stateDir()}`
      : `${picked.profile.value} ${picked.url.value ?? ''}${picked.pathPrefix.value ?? ''} ${user}${sshTarget(picked)}`;
  } catch {
    return undefined;
  }
}

/** The ssh and local backends reach a node without the URL or an API user: their own settings name the target. */
function sshTarget(picked: PickedSettings): string {
  const { backend, sshHost, sshUser, sshPort } = picked;
  return backend.value === 'https' ? '' : ` ${backend.value} ${sshUser.value ?? ''}@${sshHost.value ?? ''}:${sshPort.value ?? ''}`;
}

function readCache(file: string): Record<string, CacheEntry> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, CacheEntry>;
  } catch {
    return {};
  }
}

function freshEntries(cache: Record<string, CacheEntry>): Record<string, CacheEntry> {
  const now = Date.now();
  return Object.fromEntries(Object.entries(cache).filter(([, e]) => now - e.at < TTL_MS));
}

function saveCache(file: string, cache: Record<string, CacheEntry>): void {
  try {
    const { writeFileAtomic } = require('../util/atomic-file') as typeof import('../util/atomic-file');
    writeFileAtomic(file, JSON.stringify(cache), 0o600);
  } catch {
    // a cache that cannot be written only costs the next completion a request
  }
}

/**
 * Live values for a `{param}` path segment during completion (`/nodes/pve/qemu/<TAB>` → the qemu guests on pve).
 * Where they come from is read from the schema, not written per endpoint: the parent path's GET lists the children,
 * and its `links` (`{"rel": "child", "href": "{vmid}"}`) name the field that holds each child's id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PickedSettings } from '../config/precedence';
import type { Schema } from '../schema/load';
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
export async function liveValues(listing: Listing, globals: GlobalOptions): Promise<string[]> {
  const config = require('../config') as typeof import('../config');
  const target = targetIdentity(globals);
  if (!target) return [];
  const cacheFile = join(config.cacheDir(), 'complete-values.json');
  // Everything the values depend on: which server as which user, what is listed, and which field is picked.
  const key = JSON.stringify([target, listing.path, listing.field, listing.param]);
  const cache = readCache(cacheFile);
  const hit = cache[key];
  if (hit && Date.now() - hit.at < TTL_MS) return hit.values;

  const { openConnection } = require('./connection') as typeof import('./connection');
  let conn: Awaited<ReturnType<typeof openConnection>> | undefined;
  try {
    conn = await openConnection({ ...globals, requestTimeout: TIMEOUT_S }, { needServer: true, silent: true });
    const rows = await conn.client().request<unknown>({ method: 'GET', path: listing.path });
    const values = pickValues(rows, listing);
    saveCache(cacheFile, { ...freshEntries(readCache(cacheFile)), [key]: { at: Date.now(), values } });
    return values;
  } catch {
    return [];
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export function pickValues(rows: unknown, listing: Pick<Listing, 'field' | 'param'>): string[] {
  if (!Array.isArray(rows)) return [];
  const skip = NOT_CHILDREN[listing.param] ?? [];
  const values = rows
    .map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>)[listing.field] : undefined))
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map(String)
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

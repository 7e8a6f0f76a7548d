import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file';

/**
 * What a target said it runs, and the schema picked for it (DESIGN.md §2), kept beside the ticket cache in
 * `<cacheDir>/schema-match.json` (0600, written atomically) for a day: later runs pay no request for it.
 * Keyed by URL and pinned certificate fingerprint, so a reinstalled host behind the same name is asked again.
 */
export interface SchemaMatch {
  url: string;
  /** The pinned certificate fingerprint the match was made over ('' when the CA chain was trusted instead). */
  fingerprint: string;
  /** pve, pbs, pmg, pdm */
  product: string;
  /** The server's own version text (`9.2.1`). */
  version: string;
  /** The schema picked for it. */
  schema: string;
  /** Why the pick is not the server's own release. */
  note?: string;
  /** Epoch milliseconds. */
  matchedAt: number;
}

export const SCHEMA_MATCH_LIFETIME_MS = 24 * 3600 * 1000;

export interface MatchTarget {
  url: string;
  fingerprint?: string;
}

export function schemaMatchFile(cacheDir: string): string {
  return join(cacheDir, 'schema-match.json');
}

function keyOf(target: MatchTarget): string {
  return `${target.url.replace(/\/+$/, '')} ${(target.fingerprint ?? '').toUpperCase()}`;
}

function isMatch(value: unknown): value is SchemaMatch {
  const m = value as SchemaMatch;
  return Boolean(m) && typeof m.url === 'string' && typeof m.product === 'string' && typeof m.version === 'string' &&
    typeof m.schema === 'string' && typeof m.matchedAt === 'number';
}

/** Every well-formed match still within its day, by key; a missing or damaged file is an empty cache. */
export function readSchemaMatches(cacheDir: string, now = Date.now()): Record<string, SchemaMatch> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(schemaMatchFile(cacheDir), 'utf8'));
  } catch {
    return {};
  }
  const out: Record<string, SchemaMatch> = {};
  if (!parsed || typeof parsed !== 'object') return out;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const fresh = isMatch(value) && now - value.matchedAt >= 0 && now - value.matchedAt < SCHEMA_MATCH_LIFETIME_MS;
    if (fresh) out[key] = value;
  }
  return out;
}

export function readSchemaMatch(cacheDir: string, target: MatchTarget, now = Date.now()): SchemaMatch | undefined {
  return readSchemaMatches(cacheDir, now)[keyOf(target)];
}

/** Record one target's match; expired entries of other targets are dropped on the way. */
export function writeSchemaMatch(cacheDir: string, match: Omit<SchemaMatch, 'matchedAt' | 'fingerprint' | 'url'> & MatchTarget, now = Date.now()): SchemaMatch {
  const entry: SchemaMatch = { ...match, url: match.url.replace(/\/+$/, ''), fingerprint: (match.fingerprint ?? '').toUpperCase(), matchedAt: now };
  const all = readSchemaMatches(cacheDir, now);
  all[keyOf(entry)] = entry;
  writeFileAtomic(schemaMatchFile(cacheDir), `${JSON.stringify(all, null, 1)}\n`);
  return entry;
}

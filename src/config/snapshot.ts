/**
 * A read-only view of the config file for resolving a run's connection, cached as JSON.
 * Parsing YAML means loading the yaml package (~54 ms unbundled) on every run; the snapshot in
 * $XDG_CACHE_HOME/pvecli is valid while the file's identity (device, inode, size, mtime, ctime) is unchanged,
 * so only the first run after an edit pays for the parser.
 */
import { readFileSync, rmSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file';
import type { Profile } from './profile-keys';
import { cacheDir } from './paths';
import { SECRET_KEYS } from './profile-keys';
import { isLiteralSecret } from './secrets';

function holdsLiteralSecret(snapshot: ConfigSnapshot): boolean {
  return snapshot.profiles.some(([, profile]) => SECRET_KEYS.some((key) => typeof profile[key] === 'string' && isLiteralSecret(profile[key])));
}

export interface ConfigSnapshot {
  path: string;
  /** Permission bits of the file */
  mode: number;
  current?: string;
  /** In file order */
  profiles: Array<[name: string, profile: Profile]>;
}

/** 2: never holds a literal secret (format 1 could). */
const FORMAT = 2;
/** Like git's racy-clean rule: a file changed this recently might change again within the same mtime tick. */
const SETTLE_MS = 2_000;

interface CacheEntry {
  format: number;
  key: string;
  snapshot: Omit<ConfigSnapshot, 'mode'>;
}

function identity(stat: BigIntStats, path: string): string {
  return [path, stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(':');
}

/**
 * The config file's content, from the cache when the file is unchanged; undefined when there is no file.
 * `parse` reads and validates the real file (throwing on errors) when the cache cannot answer.
 */
export function loadConfigSnapshot(path: string, env: NodeJS.ProcessEnv, parse: () => ConfigSnapshot): ConfigSnapshot | undefined {
  let stat: BigIntStats;
  try {
    stat = statSync(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return parse(); // let the parser report it
  }
  const mode = Number(stat.mode & 0o777n);
  const key = identity(stat, path);
  const cacheFile = join(cacheDir(env), 'config-snapshot.json');
  try {
    const entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as CacheEntry;
    if (entry.format === FORMAT && entry.key === key) return { ...entry.snapshot, mode };
  } catch {
    // no cache, or an unreadable one: parse
  }
  const snapshot = parse();
  try {
    // A literal secret stays in the config file alone: a copy in the cache would outlive the file's deletion, so
    // such a file is parsed on every run (its owner is warned about the literal anyway) and an old copy removed.
    if (holdsLiteralSecret(snapshot)) rmSync(cacheFile, { force: true });
    else if (Date.now() - Number(stat.mtimeMs) > SETTLE_MS) {
      const { mode: _mode, ...rest } = snapshot;
      writeFileAtomic(cacheFile, JSON.stringify({ format: FORMAT, key, snapshot: rest } satisfies CacheEntry), 0o600);
    }
  } catch {
    // a read-only cache dir only costs speed
  }
  return { ...snapshot, mode };
}

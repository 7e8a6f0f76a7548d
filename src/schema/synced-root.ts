import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where `pvecli schema sync` keeps compiled schemas: $XDG_CACHE_HOME/pvecli/schema (DESIGN.md §2). The same rule
 * as src/config's cacheDir (an XDG variable counts only when absolute), restated here because schema/ sits beside
 * config/, not above it.
 */
export function syncedSchemaRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(base, 'pvecli', 'schema');
}

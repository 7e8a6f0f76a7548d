import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** An XDG base directory: the variable when it holds an absolute path (the spec says ignore relative ones), else the fallback under $HOME. */
function xdgBase(env: NodeJS.ProcessEnv, variable: string, fallback: string[]): string {
  const value = env[variable];
  if (value && isAbsolute(value)) return value;
  return join(env.HOME || homedir(), ...fallback);
}

/** The config file (DESIGN.md §5): PROXMOX_CONFIG_FILE, else $XDG_CONFIG_HOME/pvecli/config.yaml. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PROXMOX_CONFIG_FILE) return env.PROXMOX_CONFIG_FILE;
  return join(xdgBase(env, 'XDG_CONFIG_HOME', ['.config']), 'pvecli', 'config.yaml');
}

/** Persistent state (the mock's data): $XDG_STATE_HOME/pvecli. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgBase(env, 'XDG_STATE_HOME', ['.local', 'state']), 'pvecli');
}

/** Disposable cache (tickets): $XDG_CACHE_HOME/pvecli. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgBase(env, 'XDG_CACHE_HOME', ['.cache']), 'pvecli');
}

/** `~/x` → $HOME/x, for paths written in the config file. */
export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path === '~') return env.HOME || homedir();
  if (path.startsWith('~/')) return join(env.HOME || homedir(), path.slice(2));
  return path;
}

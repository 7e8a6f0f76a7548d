import { realpathSync } from 'node:fs';
import { CliError, ExitCode } from '../errors';
import { removeAbandonedTempFiles, writeFileAtomic } from '../util/atomic-file';
import { withFileLock } from '../util/file-lock';
import { ConfigFile } from './file';

/**
 * Read-modify-write the config file under its lock: the file is re-read inside the lock, so concurrent
 * writers never lose each other's changes; the write is atomic, 0600. `edit` may throw to abort (nothing written).
 */
export async function updateConfigFile<T>(path: string, edit: (config: ConfigFile) => T): Promise<T> {
  // Write through a symlink (dotfile managers link the config in), not over it.
  path = realTarget(path);
  try {
    return await withFileLock(path, () => {
      const config = ConfigFile.read(path);
      const result = config.keepingLeadingComment(() => edit(config));
      writeFileAtomic(path, config.toString(), 0o600);
      removeAbandonedTempFiles(path);
      return result;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof CliError || !code) throw error;
    // EACCES, EROFS, ENOSPC...: say which file, not a stack; the user's environment, so a usage error (exit 2).
    throw new CliError(`cannot write the config file ${path}: ${(error as Error).message}`, ExitCode.usage, 'set PROXMOX_CONFIG_FILE to a writable path');
  }
}

function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // not there yet
  }
}

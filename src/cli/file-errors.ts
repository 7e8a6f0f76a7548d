import { UsageError } from '../errors';

/** The system's refusals that are about the user's files and directories, in words. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

const WRITES = new Set(['mkdir', 'open', 'rename', 'link', 'unlink', 'write', 'chmod', 'rmdir', 'copyfile', 'symlink', 'utime']);

/**
 * A file pvecli writes or reads for itself (config, caches, mock state, lock files) that the system refuses: one
 * line naming the path and exit 2, instead of `internal error: EACCES …`. Errors of other kinds pass unchanged.
 */
export function fileErrorOf(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || typeof e.path !== 'string') return err;
  const reason = REASONS[e.code];
  if (!reason) return err;
  const verb = e.syscall && WRITES.has(e.syscall) ? 'write' : 'read';
  return new UsageError(
    `cannot ${verb} ${e.path}: ${reason}`,
    'fix its permissions, or choose other places with PROXMOX_CONFIG_FILE, XDG_CONFIG_HOME, XDG_CACHE_HOME or XDG_STATE_HOME',
  );
}

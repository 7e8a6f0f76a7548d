import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, ExitCode } from '../errors';
import { processAlive } from './process';

/** A lock older than this is taken to be left by a crashed writer even if its pid looks alive (pid reuse). */
const STALE_AFTER_MS = 30_000;

/**
 * Run `fn` while holding `<path>.lock`, created with O_EXCL so exactly one process wins.
 * Writers re-read the file inside the lock, so two processes editing at once both keep their change.
 * A lock whose owner died (killed mid-write) is removed and retaken.
 */
export async function withFileLock<T>(path: string, fn: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const lockPath = `${path}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    if (tryAcquire(lockPath)) break;
    const stale = staleOwner(lockPath);
    if (stale !== undefined) {
      breakStaleLock(lockPath, stale);
      continue;
    }
    if (Date.now() > deadline) {
      throw new CliError(`${lockPath} is held by another pvecli process`, ExitCode.internal, `if no pvecli is running, remove ${lockPath}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    unlinkQuietly(lockPath);
  }
}

function tryAcquire(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The content of a lock whose owner is gone (dead pid, or older than STALE_AFTER_MS); undefined when it is live. */
function staleOwner(lockPath: string): string | undefined {
  try {
    const age = Date.now() - statSync(lockPath).mtimeMs;
    const content = readFileSync(lockPath, 'utf8');
    if (age > STALE_AFTER_MS) return content;
    const pid = Number.parseInt(content, 10);
    // An empty file is a lock being written right now; give it time.
    if (!Number.isInteger(pid) || pid <= 0) return age > 1_000 ? content : undefined;
    return processAlive(pid) ? undefined : content;
  } catch {
    return undefined; // vanished between attempts: just retry
  }
}

/**
 * Remove a stale lock without removing a fresh one that replaced it meanwhile: move it aside (atomic),
 * and if what was moved is not the stale lock we judged, put it back.
 */
function breakStaleLock(lockPath: string, staleContent: string): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else broke it first
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleContent) linkSync(aside, lockPath);
  } catch {
    // EEXIST: a third process holds the lock now; it is live, so leave it
  } finally {
    unlinkQuietly(aside);
  }
}


function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

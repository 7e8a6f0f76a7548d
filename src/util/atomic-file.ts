import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './process';

/**
 * Write a file so that readers see either the old or the new content, never a part:
 * a temp file beside it (same file system, so rename is atomic), fsync, rename, fsync the directory.
 * A missing directory is created 0700; the file gets `mode` (default 0600) from the start, so a secret
 * never sits in a world-readable file, not even briefly.
 */
let tempCounter = 0;

export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): void {
  const temp = writeTemp(path, data, mode);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkQuietly(temp);
    throw error;
  }
  syncDirectory(dirname(path));
}

/** Create `path` atomically only if it does not exist yet (link, not rename); false when another process was first. */
export function createFileExclusive(path: string, data: string | Buffer, mode = 0o600): boolean {
  const temp = writeTemp(path, data, mode);
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
  syncDirectory(dirname(path));
  return true;
}

/** The complete content in a fsynced temp file beside `path` (same file system, so rename and link are atomic). */
function writeTemp(path: string, data: string | Buffer, mode: number): string {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Unique enough with pid + counter + random; 'wx' refuses to reuse a name anyway. (node:crypto costs ~3 ms to load.)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${(tempCounter++).toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(temp);
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** fsync the directory so the rename itself survives a crash; not possible everywhere (Windows), so best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Remove temp files that writers of `path` left when killed mid-write (their pid no longer runs).
 * Call it while holding the file's lock, so no live writer's temp file can be mistaken for one.
 */
export function removeAbandonedTempFiles(path: string): void {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) unlinkQuietly(join(dir, name));
  }
}


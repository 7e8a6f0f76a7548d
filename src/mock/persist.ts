import { closeSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/** Write a file atomically with mode 0600: a temp file beside it, fsync, rename over. */
export function writeFileAtomic(file: string, data: string): void {
  renameSync(writeTemp(file, data), file);
}

/** Create `file` atomically only if it does not exist yet; false when another process was first. */
export function createFileExclusive(file: string, data: string): boolean {
  const tmp = writeTemp(file, data);
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function writeTemp(file: string, data: string): string {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

/** Write a file atomically with mode 0600: a temp file beside it, fsync, rename over. */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

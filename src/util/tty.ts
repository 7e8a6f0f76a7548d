import { fstatSync } from 'node:fs';

/**
 * Whether a descriptor is a terminal. node:tty (with net and stream behind it) costs 6–14 ms to load, and most
 * runs write to pipes and files: a descriptor that is not a character device is no terminal, and only one that is
 * (a terminal, or /dev/null) is put to node:tty.
 */
export function isatty(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (require('node:tty') as typeof import('node:tty')).isatty(fd);
}

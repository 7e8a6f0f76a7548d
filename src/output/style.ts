import { isatty } from '../util/tty';
/** Colour only on a TTY and never with NO_COLOR (https://no-color.org); util.styleText avoids loading chalk. */
export function useColour(fd: 1 | 2 = 1): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  // isatty, not process.stdout.isTTY: that getter builds the stream (see cli/io).
  return isatty(fd);
}

export function bold(text: string, colour: boolean): string {
  return colour ? `\x1b[1m${text}\x1b[22m` : text;
}

export function dim(text: string, colour: boolean): string {
  return colour ? `\x1b[2m${text}\x1b[22m` : text;
}

/** Display width of a string ignoring ANSI escapes (wide characters count as one; good enough for API data). */
export function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

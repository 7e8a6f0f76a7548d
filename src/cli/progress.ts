import { Transform } from 'node:stream';
import { formatBytes, formatDuration } from '../output/units';

/** Redraws at most this often: a terminal line per chunk would cost more than the transfer. */
const REDRAW_MS = 250;

/** `  312.0 MiB / 1.00 GiB  30%  215.4 MiB/s  ETA 3s` for a transfer of `total` bytes after `ms` milliseconds. */
export function progressText(done: number, total: number, ms: number): string {
  const rate = ms > 0 ? (done * 1000) / ms : 0;
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  const eta = rate > 0 && done < total ? `  ETA ${formatDuration(Math.ceil((total - done) / rate))}` : '';
  return `${formatBytes(done)} / ${formatBytes(total)}  ${pct}%  ${formatBytes(Math.round(rate))}/s${eta}`;
}

export interface ProgressMeter {
  /** Counts what passes through it and redraws the line. */
  stream: Transform;
  /** Remove the line (before an error message or on Ctrl-C). */
  clear(): void;
}

/**
 * A one-line progress meter on a terminal: `draw` gets the whole line each time (with `\r`), and the final line
 * stays. `label` leads the line (the file's name).
 */
export function progressMeter(total: number, label: string, draw: (text: string) => void): ProgressMeter {
  const started = performance.now();
  let done = 0;
  let last = started;
  let shown = false;
  const show = (final: boolean) => {
    shown = true;
    draw(`\r\x1b[2K${label}  ${progressText(done, total, performance.now() - started)}${final ? '\n' : ''}`);
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      const now = performance.now();
      if (now - last >= REDRAW_MS) {
        last = now;
        show(false);
      }
      callback(null, chunk);
    },
    flush(callback) {
      show(true);
      shown = false;
      callback();
    },
  });
  return {
    stream,
    clear: () => {
      if (shown) draw('\r\x1b[2K');
      shown = false;
    },
  };
}

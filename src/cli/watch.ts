/**
 * `--watch [SECONDS]`: the same GET again and again until Ctrl-C (exit 0). On a terminal the result is redrawn in
 * place on the alternate screen under a status line (the time of the last refresh, the last error); to a pipe or
 * file each result is written once, when it differs from the one before (`-o json`: one document a line, like
 * `kubectl get -w -o json`).
 */
import { isatty } from 'node:tty';
import { render } from '../output/render';
import type { PropSchema } from '../schema/types';
import { renderOptions } from './context';
import type { GlobalOptions } from './globals';
import { cliErrorOf } from './http-errors';
import { reportError, writeOut } from './io';

/** What is watched: one GET, sent again for each refresh. */
export interface WatchSource {
  /** `GET /nodes/pve/qemu`, for the status line. */
  label: string;
  /** Output format and shaping of each result. */
  globals: GlobalOptions;
  returns?: PropSchema;
  fetch(signal: AbortSignal): Promise<unknown>;
}

/** How results reach the user: redrawn on a terminal, or appended as they change. */
interface WatchView {
  show(data: unknown): void;
  fail(err: unknown): void;
  close(): void;
}

/** Refresh every `seconds` until SIGINT or SIGTERM; the exit code is 0 (leaving is how a watch ends). */
export async function watch(source: WatchSource, seconds: number): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // main()'s own Ctrl-C handler steps aside while this listener is registered.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const view = isatty(1) ? screenView(source, seconds) : streamView(source);
  try {
    while (!stop.signal.aborted) {
      const started = Date.now();
      try {
        view.show(await source.fetch(stop.signal));
      } catch (err) {
        if (stop.signal.aborted) break;
        view.fail(err);
      }
      await pause(seconds * 1000 - (Date.now() - started), stop.signal);
    }
  } finally {
    view.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return 0;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function renderText(data: unknown, source: WatchSource): string {
  return render(data, renderOptions(source.globals, source.returns));
}

/** A failure as one line, without the `pvecli: ` the stderr form has. */
function failureText(err: unknown): string {
  const e = cliErrorOf(err) as Error;
  return (e?.message ?? String(err)).split('\n')[0];
}

const ALTERNATE_SCREEN = '\x1b[?1049h\x1b[?25l';
const MAIN_SCREEN = '\x1b[?25h\x1b[?1049l';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_SCREEN_END = '\x1b[J';

/**
 * The terminal view: the alternate screen, redrawn from the top-left corner, each line cleared after its text and
 * the screen cleared below the last one, so nothing is blanked between two frames (no flicker). The screen is
 * restored however the watch ends, an exception included.
 */
function screenView(source: WatchSource, seconds: number): WatchView {
  let rendered: string | undefined;
  let refreshed: Date | undefined;
  let error: string | undefined;
  const draw = () => {
    const rows = process.stdout.rows || 24;
    const cols = process.stdout.columns || 80;
    const lines = (rendered ?? '').replace(/\n$/, '').split('\n');
    const room = Math.max(1, rows - 2);
    const hidden = lines.length > room ? lines.length - room + 1 : 0;
    const shown = hidden ? [...lines.slice(0, room - 1), `… ${hidden} more lines (a larger window, or --fields / --query, shows them)`] : lines;
    const parts = [`Every ${seconds}s: ${source.label}`, refreshed ? `last refresh ${clock(refreshed)}` : 'waiting for the first reply'];
    if (error) parts.push(`error: ${error}`);
    writeOut(HOME + [parts.join('   '), '', ...shown].map((l) => fit(l, cols) + CLEAR_LINE_END).join('\n') + CLEAR_SCREEN_END);
  };
  const onResize = () => draw();
  writeOut(ALTERNATE_SCREEN);
  process.stdout.on('resize', onResize);
  draw();
  return {
    show(data) {
      rendered = renderText(data, source);
      refreshed = new Date();
      error = undefined;
      draw();
    },
    fail(err) {
      // The last good result stays on screen; the status line says what went wrong since.
      error = failureText(err);
      draw();
    },
    close() {
      process.stdout.removeListener('resize', onResize);
      writeOut(MAIN_SCREEN);
    },
  };
}

/** A line cut to the screen's width: a wrapped line would push the frame down and scroll it. */
function fit(line: string, cols: number): string {
  if (line.includes('\x1b')) return line;
  const chars = [...line];
  return chars.length > cols ? chars.slice(0, cols).join('') : line;
}

/** hh:mm:ss in local time, as `watch` shows it. */
function clock(d: Date): string {
  return d.toTimeString().slice(0, 8);
}

/**
 * Not a terminal: each result once, when it changed. JSON is one compact document a line; YAML documents are
 * separated by `---`, text and table results by an empty line. An error is reported on stderr when it differs
 * from the last one, and the watch goes on (a server that comes back is the point of watching).
 */
function streamView(source: WatchSource): WatchView {
  let last: string | undefined;
  let lastError: string | undefined;
  const format = source.globals.outputFormat ?? 'text';
  return {
    show(data) {
      const text = renderText(data, source);
      lastError = undefined;
      if (text === last) return;
      const separator = last === undefined ? '' : format === 'yaml' ? '---\n' : format === 'text' || format === 'table' ? '\n' : '';
      last = text;
      writeOut(separator + text);
    },
    fail(err) {
      const message = failureText(err);
      if (message === lastError) return;
      lastError = message;
      reportError(err);
    },
    close() {},
  };
}

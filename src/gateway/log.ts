/**
 * The gateway's log: one JSON object per line (the command writes them to stderr), filtered by LOG_LEVEL. Callers pass only what is safe
 * to show: never a header, a body, a query string, a ticket or a key.
 */
import type { LogLevel } from './options';

export type Fields = Record<string, unknown>;

export interface Logger {
  enabled(level: LogLevel): boolean;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Whatever the level: the start line and the warnings that must show at every start. */
  always(level: LogLevel, msg: string, fields?: Fields): void;
  /** Write what is held now (lines are otherwise written together at the end of the event-loop turn). */
  flush(): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Held lines beyond this size are written at once rather than at the end of the turn. */
const HELD_LIMIT = 64 * 1024;

/**
 * Lines of one event-loop turn written together: under load an access line per request, each its own write to a
 * stderr pipe (synchronous there), cost the gateway a tenth of its CPU time.
 */
function heldLines(write: (text: string) => void) {
  let held = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!held) return;
    const text = held;
    held = '';
    write(text);
  };
  return {
    add(line: string) {
      held += line;
      if (held.length >= HELD_LIMIT) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const lines = heldLines(write);
  const emit = (at: LogLevel, msg: string, fields?: Fields) => lines.add(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields }) + '\n');
  const at = (l: LogLevel) => (msg: string, fields?: Fields) => {
    if (RANK[l] >= RANK[level]) emit(l, msg, fields);
  };
  return {
    enabled: (l) => RANK[l] >= RANK[level],
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    always: emit,
    flush: lines.flush,
  };
}

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
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const emit = (at: LogLevel, msg: string, fields?: Fields) => write(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields }) + '\n');
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
  };
}

/**
 * Text from a server shown on a terminal: control characters become visible escapes (`\x1b`), as kubectl and gh
 * do, so a VM description or an error message cannot retitle the window, clear the screen or hide text
 * (`ESC ] 0;… BEL`, `ESC [2J`). Only for terminals: a pipe or a file gets the server's text exactly, and JSON/YAML
 * escape control characters by their own rules anyway.
 */

/** C0 controls but the kept ones, DEL, and the C1 controls (U+009B is a one-character CSI on some terminals). */
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
/** The same, with line feed kept only: for one-line messages, where a carriage return could overwrite the line. */
const CONTROLS_BUT_NEWLINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

function visible(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** A table cell: tab, line feed and carriage return stay (the table lays them out as spaces and line breaks). */
export function escapeCell(text: string): string {
  return text.replace(CONTROLS, visible);
}

/** A message line or a task log line: only line feeds and tabs stay. */
export function escapeLine(text: string): string {
  return text.replace(CONTROLS_BUT_NEWLINE, (c) => (c === '\t' ? c : visible(c)));
}

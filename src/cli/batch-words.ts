import { UsageError } from '../errors';

/**
 * One line of a batch file split into words as a POSIX shell would split it, without running anything: blanks
 * separate words; '…' keeps everything literally; "…" keeps everything but lets \" \\ \$ \` escape; a backslash
 * outside quotes takes the next character literally; `#` at the start of a word comments out the rest.
 * Expansions a shell would make ($VAR, $(…), `…`) are refused rather than passed on literally, so a line copied
 * from a script never sends a `$HOME` the user meant expanded. `null` for a blank or comment-only line.
 * `open` reports a line that ends inside quotes or on a backslash: the caller joins the next line and retries.
 */
export function splitWords(line: string): { words: string[] } | { open: true } | null {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (text: string) => (word = (word ?? '') + text);
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { open: true };
      add(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i++;
      let text = '';
      for (;;) {
        if (i >= line.length) return { open: true };
        const d = line[i];
        if (d === '"') break;
        if (d === '\\') {
          if (i + 1 >= line.length) return { open: true };
          const next = line[i + 1];
          // Inside double quotes a backslash escapes only these; before anything else it stays.
          text += '"\\$`\n'.includes(next) ? (next === '\n' ? '' : next) : '\\' + next;
          i += 2;
          continue;
        }
        refuseExpansion(line, i);
        text += d;
        i++;
      }
      add(text);
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { open: true };
      const next = line[i + 1];
      // A backslash before a newline joins lines (the caller keeps the newline when it joins them).
      if (next !== '\n') add(next);
      i += 2;
    } else {
      refuseExpansion(line, i);
      add(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words.length ? { words } : null;
}

/** `$NAME`, `${…}`, `$(…)` and backticks: a shell would substitute them; batch runs no shell. */
function refuseExpansion(line: string, i: number): void {
  const c = line[i];
  if (c === '`' || (c === '$' && /[A-Za-z_{(0-9@*#?$!-]/.test(line[i + 1] ?? ''))) {
    throw new UsageError(
      `'${c === '`' ? '`' : line.slice(i, i + 2)}…' would be expanded by a shell; batch expands nothing`,
      "quote it in single quotes to send it as it is, or expand it before the batch (e.g. with envsubst)",
    );
  }
}

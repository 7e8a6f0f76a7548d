/**
 * One word of a command printed for the user to paste (hints, help examples), quoted for POSIX shells: left bare
 * when it holds only characters no shell treats specially, else single-quoted. `!` (bash history expansion, found
 * in token IDs and UPIDs) is never left bare.
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A whole command line from its words, each quoted as needed: `shellCommand('pvecli', 'task', 'wait', upid)`. */
export function shellCommand(...words: string[]): string {
  return words.map(shellQuote).join(' ');
}

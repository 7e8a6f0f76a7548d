/** `https://user:pass@host` → `https://user:****@host`, anywhere in a text: URLs may carry a password (proxies do). */
export function maskUrlPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi, '$1:****@');
}

import { maskUrlPasswords } from '../util/mask';
import { isSecretParam } from '../util/secret-param';

/** Replaces every known secret (token secret, password, ticket, CSRF token) in text meant for humans. */
export const REDACTED = '<redacted>';

export { isSecretParam };

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret in its raw and URL-encoded spellings (tickets contain ':' and '@'). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
  }

  redact(text: string): string {
    let out = maskUrlPasswords(text);
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** A URL for display: secret-looking query values replaced, then known secrets. */
  url(url: URL): string {
    if (!url.search) return this.redact(url.href);
    const query = url.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const key = decodeURIComponent(pair.split('=')[0] ?? '');
        return isSecretParam(key, url.pathname) ? `${pair.split('=')[0]}=${REDACTED}` : pair;
      })
      .join('&');
    return this.redact(`${url.origin}${url.pathname}?${query}`);
  }
}

/** A form or query string with secret-looking values replaced. */
export function redactForm(form: string, path = ''): string {
  return form
    .split('&')
    .map((pair) => {
      const [rawKey] = pair.split('=');
      return isSecretParam(decodeURIComponent(rawKey ?? ''), path) ? `${rawKey}=${REDACTED}` : pair;
    })
    .join('&');
}

import { maskUrlPasswords } from '../util/mask';

/** Replaces every known secret (token secret, password, ticket, CSRF token) in text meant for humans. */
export const REDACTED = '<redacted>';

/**
 * Parameter names whose values are credentials, redacted in traces and dry runs: passwords and passphrases,
 * secrets, tickets, one-time codes, a gotify `token`, ceph `keyring`, PBS `encryption-key`, ACME `eab-hmac-key`,
 * a custom certificate's private `key`, the `totp` URI that carries a TFA secret. Not `tokenid` nor public keys.
 */
const SECRET_PARAM = /(?<!generate-)password|passphrase|secret|ticket|csrf|(^|[-_])otp$|tfa-challenge|hmac|keyring|encryption-key|private|(^|[-_])token$|^key$|^totp$/i;

/** Parameters secret only on some paths: an ACME DNS plugin's `data` holds its API credentials; a TFA entry's `value`. */
const SECRET_ON_PATH: Array<[path: RegExp, names: ReadonlySet<string>]> = [
  [/\/cluster\/acme\/plugins(\/|$)/, new Set(['data'])],
  [/\/access\/tfa(\/|$)/, new Set(['value'])],
];

export function isSecretParam(name: string, path = ''): boolean {
  return SECRET_PARAM.test(name) || SECRET_ON_PATH.some(([p, names]) => names.has(name) && p.test(path));
}

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

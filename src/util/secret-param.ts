/**
 * Which parameters carry credentials: one rule for the trace and dry-run redaction (src/http) and for validation
 * messages (src/params), which must never repeat such a value.
 */

/**
 * Parameter names whose values are credentials: passwords and passphrases, secrets, tickets, one-time codes,
 * a gotify `token`, ceph `keyring`, PBS `encryption-key`, ACME `eab-hmac-key`, a custom certificate's private
 * `key`, the `totp` URI that carries a TFA secret. Not `tokenid` nor public keys.
 */
const SECRET_PARAM = /(?<!generate-)password|passphrase|secret|ticket|csrf|(^|[-_])otp$|tfa-challenge|hmac|keyring|encryption-key|private|(^|[-_])token$|^key$|^totp$/i;

/** Parameters secret only on some paths: an ACME DNS plugin's `data` holds its API credentials; a TFA entry's `value`. */
const SECRET_ON_PATH: Array<[path: RegExp, names: ReadonlySet<string>]> = [
  [/\/cluster\/acme\/plugins(\/|$)/, new Set(['data'])],
  [/\/access\/tfa(\/|$)/, new Set(['value'])],
];

/** `path` may be concrete (`/access/tfa/root@pam`) or a template (`/access/tfa/{userid}`). */
export function isSecretParam(name: string, path = ''): boolean {
  return SECRET_PARAM.test(name) || SECRET_ON_PATH.some(([p, names]) => names.has(name) && p.test(path));
}

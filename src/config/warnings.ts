/** Warnings about where secrets are and where they go; the caller's `warn` decides where they are shown. */
import { UsageError } from '../errors';
import { maskUrlPasswords } from '../util/mask';
import { ENV } from './environment';
import { SECRET_KEYS } from './profile-keys';
import { isLiteralSecret } from './secrets';
import type { Selection } from './select';
import { normalizeUrl } from './server-url';
import type { ConfigSnapshot } from './snapshot';

/** DESIGN.md §5: a literal secret in a file others can read deserves a warning every time. */
export function warnAboutExposedSecrets(config: ConfigSnapshot, warn: (m: string) => void): void {
  if ((config.mode & 0o077) === 0) return;
  for (const [name, profile] of config.profiles) {
    for (const key of SECRET_KEYS) {
      const value = profile[key];
      if (typeof value === 'string' && isLiteralSecret(value)) {
        warn(`${config.path} is readable by others (mode ${config.mode.toString(8).padStart(4, '0')}) and holds a literal ${key} (profile '${name}'); run chmod 600 ${config.path}`);
        return;
      }
    }
  }
}

/**
 * Precedence is per setting, so PROXMOX_API_URL (or --url) with a selected profile would send that profile's secret
 * (token secret or password) to another server: refused (exit 2) naming both, unless the secret also comes from the
 * environment or a flag. Nothing has been sent when this throws.
 */
export function refuseRedirectedCredentials({ picked, profile }: Selection): void {
  if (picked.url.source === 'profile' || picked.url.source === 'default' || profile.url === undefined) return;
  const useToken = picked.tokenId.value !== undefined;
  const secret = useToken ? picked.tokenSecret : picked.password;
  if (secret.source !== 'profile' || secret.value === undefined) return;
  let overridden: string;
  try {
    overridden = normalizeUrl(String(profile.url), undefined, picked.service.value);
  } catch {
    return;
  }
  if (overridden === picked.url.value) return;
  const by = picked.url.source === 'flag' ? '--url' : ENV.url;
  const name = picked.profile.value;
  const what = useToken ? `token secret of ${String(picked.tokenId.value)}` : 'password';
  const own = useToken ? `${ENV.tokenId} and ${ENV.tokenSecret}` : `${ENV.username} and ${ENV.password}`;
  throw new UsageError(
    maskUrlPasswords(`${by} (${picked.url.value}) is not the url of profile '${name}' (${overridden}): the profile's ${what} would go to another host`),
    `set ${own} for that host too, or ${by === '--url' ? 'leave out --url' : `unset ${by}`} to use profile '${name}'`,
  );
}

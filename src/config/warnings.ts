/** Warnings about where secrets are and where they go; the caller's `warn` decides where they are shown. */
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
 * Precedence is per setting, so PROXMOX_API_URL (or --url) with a selected profile sends that profile's
 * credentials to another server. Legitimate, but never silent.
 */
export function warnAboutRedirectedCredentials({ picked, profile }: Selection, warn: (m: string) => void): void {
  if (picked.url.source === 'profile' || picked.url.source === 'default' || profile.url === undefined) return;
  const credentialFromProfile = (picked.tokenId.value !== undefined ? picked.tokenSecret : picked.password).source === 'profile';
  if (!credentialFromProfile) return;
  let overridden: string;
  try {
    overridden = normalizeUrl(String(profile.url), undefined, picked.service.value);
  } catch {
    return;
  }
  if (overridden === picked.url.value) return;
  const by = picked.url.source === 'flag' ? '--url' : ENV.url;
  warn(maskUrlPasswords(`${by} replaces the url of profile '${picked.profile.value}' (${overridden}); the profile's credentials go to ${picked.url.value}`));
}

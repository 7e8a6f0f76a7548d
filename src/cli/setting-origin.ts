/**
 * The CLI's words for where a connection setting came from, handed to the HTTP core (which knows no flags,
 * variables or profiles) for its TLS warning and its 401 hint (issue 16 item 10).
 */
import type { SettingSource } from '../config/types';
import { ENV } from '../config/environment';

/** What turned certificate verification off: `--insecure`, `PROXMOX_API_VERIFY_SSL=false` or the profile. */
export function insecureBecause(source: SettingSource | undefined, profile: string): string | undefined {
  if (source === 'flag') return '--insecure';
  if (source === 'environment') return `${ENV.verifySsl}=false`;
  if (source === 'profile') return `profile ${profile} (insecure: true)`;
  return undefined;
}

/** The 401 hint: check the credentials where they were set, the environment's variables or the named profile. */
export function credentialsHint(source: SettingSource | undefined, token: boolean, profile: string): string | undefined {
  const what = token ? 'API token ID and secret' : 'user and password';
  if (source === 'environment') {
    const vars = token ? `${ENV.tokenId}, ${ENV.tokenSecret}` : `${ENV.username}, ${ENV.password}`;
    return `check the ${what} from the environment (${vars})`;
  }
  if (source === 'profile') return `check the ${what} of profile ${profile}`;
  return undefined;
}

/**
 * Real mode's upstream, chosen exactly as the CLI chooses its target (flag › environment › profile, DESIGN.md §5)
 * by src/config; then made into the HTTP core's settings here (the CA file read as PEM text).
 */
import { resolveConnection } from '../config';
import { caBundle } from '../config/ca-bundle';
import { UsageError } from '../errors';
import type { ConnectionSettings } from '../http';
import { maskUrlPasswords } from '../util/mask';

export interface UpstreamConnection {
  settings: ConnectionSettings;
  /** The profile's schema, if it names one. */
  schema?: string;
  authMethod: 'token' | 'password' | 'none';
}

export async function resolveUpstream(profile: string | undefined, schema: string | undefined, env: NodeJS.ProcessEnv, warn: (m: string) => void): Promise<UpstreamConnection> {
  // Credentials are optional: a gateway without them forwards only requests that bring their own.
  const resolved = await resolveConnection({ profile, schema }, { env, interactive: false, warn, requireCredentials: false });
  if (resolved.kind === 'mock') {
    throw new UsageError('--mode real needs an upstream Proxmox', 'set PROXMOX_API_URL=https://HOST:8006 (and PROXMOX_API_TOKEN_ID/SECRET), or --profile NAME');
  }
  const s = resolved.settings;
  if (s.backend !== 'https') throw new UsageError(`the gateway forwards HTTPS: the ${s.backend} backend (pvesh) is for the CLI`, 'unset PROXMOX_API_BACKEND (or the profile\'s backend) for serve');
  if (s.tokenId !== undefined && s.tokenSecret === undefined) throw new UsageError(`API token ${s.tokenId} has no secret`, 'set PROXMOX_API_TOKEN_SECRET too');
  const authMethod = s.tokenId !== undefined ? 'token' : s.username !== undefined ? 'password' : 'none';
  return { settings: { ...s, ca: caBundle(s) }, schema: s.schema, authMethod };
}

/** The upstream as logs and /mode show it: the URL with any password masked, and the path prefix. */
export function shownUrl(settings: ConnectionSettings): string {
  return maskUrlPasswords(settings.url + (settings.pathPrefix ?? ''));
}

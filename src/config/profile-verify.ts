import { backendTarget } from './backend';
import type { ConnectionSettings } from './types';

/** The part of the HTTP client that verification needs (src/http's ApiClient satisfies it). */
export interface RequestClient {
  request<T = unknown>(req: { method: 'GET'; path: string; params?: Record<string, string> }): Promise<T>;
}

export interface VerifyResult {
  profile: string;
  url: string;
  product: string;
  version: string;
  identity: string;
  /** ssh and local: pvesh acts as the ssh login user or the local user, with no API credentials. */
  auth: 'token' | 'password' | 'ssh' | 'local';
  /** How many ACL paths grant this identity something */
  permission_paths: number;
  /** Privileges on `/` (the whole cluster), sorted */
  root_privileges: string[];
  /** Every privilege held anywhere, sorted */
  privileges: string[];
  /** The schema runs use for this server, and why (`pve-8.4 (matched to 8.4.1)`, `pve-9.1 (profile)`). */
  schema?: string;
  /** Set when /access/permissions could not be read */
  permissions_error?: string;
}

/** Log in (the client does it on the first request) and summarise who we are and what we may do. */
export async function verifyConnection(
  client: RequestClient,
  settings: ConnectionSettings,
  /** Names the schema chosen for the server from its /version reply (and records the match). */
  schemaFor?: (version: Record<string, unknown>) => string | undefined,
): Promise<VerifyResult> {
  const version = await client.request<Record<string, unknown>>({ method: 'GET', path: '/version' });
  const schema = schemaFor?.(version ?? {});
  let permissions: Record<string, Record<string, unknown>> | undefined;
  let note: string | undefined;
  try {
    permissions = await client.request<Record<string, Record<string, unknown>>>({ method: 'GET', path: '/access/permissions' });
  } catch (error) {
    note = (error as Error).message;
  }
  const all = new Set<string>();
  for (const privs of Object.values(permissions ?? {})) for (const priv of Object.keys(privs ?? {})) all.add(priv);
  const result: VerifyResult = {
    profile: settings.profile,
    url: backendTarget(settings),
    product: settings.service,
    version: [version?.version, version?.release && version.release !== version.version ? `(release ${String(version.release)})` : '', version?.repoid ? `repoid ${String(version.repoid)}` : '']
      .filter(Boolean).join(' '),
    identity: settings.tokenId ?? settings.username ?? (settings.backend === 'ssh' ? `${settings.sshUser ?? 'the ssh login user'} (ssh key)` : settings.backend === 'local' ? 'the local user' : ''),
    ...(schema ? { schema } : {}),
    auth: settings.backend !== 'https' ? settings.backend : settings.tokenId ? 'token' : 'password',
    permission_paths: Object.keys(permissions ?? {}).length,
    root_privileges: Object.keys(permissions?.['/'] ?? {}).sort(),
    privileges: [...all].sort(),
  };
  if (note) result.permissions_error = note;
  return result;
}

/** For people: long privilege lists cut to a few names and a count (json/yaml keep them whole). */
export function summarizeForHumans(result: VerifyResult, shown = 4): Record<string, unknown> {
  const list = (privs: string[]) => (privs.length === 0 ? 'none'
    : privs.length <= shown ? privs.join(', ')
    : `${privs.length}: ${privs.slice(0, shown).join(', ')}, … (-o json lists all)`);
  return { ...result, root_privileges: list(result.root_privileges), privileges: list(result.privileges) };
}

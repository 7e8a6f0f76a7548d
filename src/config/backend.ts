/**
 * DESIGN.md §5 `PROXMOX_API_BACKEND` (profile `backend`): how requests reach the API. `https` talks to the API
 * server; `ssh` runs `pvesh` on a node through the OpenSSH client; `local` runs `pvesh` on this machine. pvesh runs
 * as the user it is started as, so the ssh and local backends carry no API credentials: the ssh identity (or the
 * local user) is who acts.
 */
import { UsageError } from '../errors';
import { envNumber, envString, ENV } from './environment';
import type { Picked } from './precedence';
import { ENVIRONMENT_PROFILE } from './profile-names';
import type { Backend, ConnectionSettings, SettingSource } from './types';

export const BACKENDS: readonly Backend[] = ['https', 'ssh', 'local'];
/** ssh's own values of StrictHostKeyChecking that make sense without a person to ask (BatchMode). */
const HOST_KEY_CHECKING = ['yes', 'accept-new', 'no'] as const;

/** The settings of the ssh backend, by their names in ConnectionSettings. */
export type BackendKey = 'backend' | 'sshHost' | 'sshUser' | 'sshPort' | 'sshIdentity' | 'sshStrictHostKeyChecking' | 'sshKnownHosts';
export type PickedBackend = { [K in BackendKey]-?: Picked<ConnectionSettings[K]> };

export interface BackendProfileKeys {
  backend?: string;
  ssh_host?: string;
  ssh_user?: string;
  ssh_port?: number;
  ssh_identity?: string;
  ssh_strict_host_key_checking?: string;
  ssh_known_hosts?: string;
}

type Picker = <T>(candidates: Array<[SettingSource, T | undefined]>, fallback?: T) => Picked<T>;

export function parseBackend(text: string, where: string): Backend {
  const backend = text.toLowerCase() as Backend;
  if (!BACKENDS.includes(backend)) throw new UsageError(`${where}: unknown backend '${text}' (expected: ${BACKENDS.join(', ')})`);
  return backend;
}

/** Environment over profile for each ssh setting, each checked where it was written. */
export function pickBackend(env: NodeJS.ProcessEnv, p: BackendProfileKeys, where: (key: string) => string, pick: Picker): PickedBackend {
  const text = (variable: string, key: keyof BackendProfileKeys, check?: (value: string, where: string) => string) => {
    const fromEnv = envString(env, variable);
    const fromProfile = p[key] === undefined ? undefined : String(p[key]);
    return pick<string>([
      ['environment', fromEnv === undefined || !check ? fromEnv : check(fromEnv, variable)],
      ['profile', fromProfile === undefined || !check ? fromProfile : check(fromProfile, where(key))],
    ]);
  };
  const backendText = text(ENV.backend, 'backend', (v, w) => parseBackend(v, w));
  const port = pick<number>([['environment', envNumber(env, ENV.sshPort, true)], ['profile', p.ssh_port]]);
  if (port.value !== undefined && (port.value < 1 || port.value > 65535)) {
    throw new UsageError(`${port.source === 'environment' ? ENV.sshPort : where('ssh_port')}: ${port.value} is not a TCP port (1-65535)`);
  }
  return {
    backend: backendText.value === undefined ? { value: 'https', source: 'default' } : (backendText as Picked<Backend>),
    sshHost: text(ENV.sshHost, 'ssh_host', sshWord('host')),
    sshUser: text(ENV.sshUser, 'ssh_user', sshWord('user')),
    sshPort: port,
    sshIdentity: text(ENV.sshIdentity, 'ssh_identity'),
    sshStrictHostKeyChecking: text(ENV.sshStrictHostKeyChecking, 'ssh_strict_host_key_checking', hostKeyChecking),
    sshKnownHosts: text(ENV.sshKnownHosts, 'ssh_known_hosts'),
  };
}

/** A host or user is one word ssh must not read as an option: no leading '-', no blanks. */
function sshWord(what: string): (value: string, where: string) => string {
  return (value, where) => {
    if (value === '' || value.startsWith('-') || /[\s'"\\]/.test(value)) throw new UsageError(`${where}: '${value}' is not an ssh ${what}`);
    return value;
  };
}

function hostKeyChecking(value: string, where: string): string {
  const v = value.toLowerCase();
  if (!(HOST_KEY_CHECKING as readonly string[]).includes(v)) {
    throw new UsageError(`${where}: '${value}' is not a StrictHostKeyChecking value for a run without prompts (${HOST_KEY_CHECKING.join(', ')})`);
  }
  return v;
}

const RANK: Record<SettingSource, number> = { flag: 0, environment: 1, profile: 2, default: 3 };

/**
 * pvesh acts as the user it runs as: API tokens, passwords and second factors mean nothing to it. Credentials given
 * at the backend's own level or above (an environment token beside PROXMOX_API_BACKEND=ssh, a profile with both) are
 * refused, so nobody believes a token is in use; lower ones (a profile's token under an environment backend) are
 * left unused.
 */
export function refuseApiCredentials(
  picked: Record<'backend' | 'tokenId' | 'username' | 'password' | 'otp', Picked<unknown>>,
  profileLabel: string | undefined,
): void {
  const backend = picked.backend.value as Backend;
  const level = RANK[picked.backend.source];
  const names: Record<string, [string, string]> = {
    tokenId: [ENV.tokenId, 'token_id'], username: [ENV.username, 'username'], password: [ENV.password, 'password'], otp: [ENV.otp, '--otp'],
  };
  for (const [key, [variable, profileKey]] of Object.entries(names)) {
    const setting = picked[key as keyof typeof picked];
    if (setting.value === undefined || RANK[setting.source] > level) continue;
    const given = setting.source === 'environment' ? variable : setting.source === 'flag' ? profileKey : `${profileKey} of profile '${profileLabel}'`;
    throw new UsageError(
      `${given} is not used by the ${backend} backend: pvesh acts as the ${backend === 'ssh' ? 'ssh login user (the ssh identity)' : 'local user'}, without API tokens, passwords or second factors`,
      `remove it, or use the https backend (${ENV.backend}=https) for API credentials`,
    );
  }
}

/**
 * The node the ssh backend logs in to: `ssh_host`, else the host of `url` (`https://pve1:8006` → `pve1`), so a
 * profile made for https switches with one setting.
 */
export function sshHostOf(host: string | undefined, url: string | undefined, profileLabel: string | undefined): string {
  if (host !== undefined) return host;
  if (url) return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  throw new UsageError(
    `the ssh backend has no node to log in to${profileLabel && profileLabel !== ENVIRONMENT_PROFILE ? ` (profile '${profileLabel}')` : ''}`,
    `set ${ENV.sshHost} (or the profile's ssh_host), or ${ENV.url}`,
  );
}

/** pvesh is Proxmox VE's: a Backup Server, Mail Gateway or Datacenter Manager is reached over https only. */
export function checkBackendService(backend: Backend, service: string): void {
  if (backend === 'https' || service === 'PVE') return;
  throw new UsageError(`the ${backend} backend runs pvesh, which only Proxmox VE has (service ${service})`, `use ${ENV.backend}=https for ${service}`);
}

/** Where the ssh or local backend's requests go, as messages and `profile verify` name it: `ssh://root@pve1:22`. */
export function backendTarget(settings: Pick<ConnectionSettings, 'backend' | 'url' | 'sshHost' | 'sshUser' | 'sshPort'>): string {
  if (settings.backend === 'https') return settings.url;
  if (settings.backend === 'local') return 'pvesh on this machine';
  const host = settings.sshHost!.includes(':') ? `[${settings.sshHost}]` : settings.sshHost!;
  return `ssh://${settings.sshUser ? `${settings.sshUser}@` : ''}${host}${settings.sshPort === undefined ? '' : `:${settings.sshPort}`}`;
}

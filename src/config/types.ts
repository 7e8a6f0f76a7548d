/**
 * The resolved connection settings of one run (DESIGN.md §5): flag › environment › profile › default.
 * src/config produces them; src/http consumes them. Secrets are already dereferenced (env:/file:/prompt).
 */
export type Service = 'PVE' | 'PBS' | 'PMG' | 'PDM';
/** DESIGN.md §5 PROXMOX_API_BACKEND: the API server over https, or pvesh over ssh or on this node. */
export type Backend = 'https' | 'ssh' | 'local';

export interface ConnectionSettings {
  /** Profile name in use ('mock' for the built-in embedded server). */
  profile: string;
  /** https://host:8006 (no /api2/json) */
  url: string;
  service: Service;
  pathPrefix: string;
  tokenId?: string;
  tokenSecret?: string;
  username?: string;
  password?: string;
  /** For a `prompt` password: asked only when a login needs it, so a valid cached ticket asks nothing. */
  passwordPrompt?: () => Promise<string>;
  otp?: string;
  /** totp, recovery, yubico, webauthn */
  otpType: string;
  verifyTls: boolean;
  /** SHA-256 fingerprint, colon-separated hex (case-insensitive) */
  fingerprint?: string;
  caFile?: string;
  /** Explicit proxy for this tool (profile `proxy`, PROXMOX_API_HTTPS_PROXY/HTTP_PROXY); undefined → HTTPS_PROXY/HTTP_PROXY. NO_PROXY applies to both. */
  proxy?: string;
  /** seconds */
  timeout: number;
  connectTimeout: number;
  retries: number;
  retryBackoff: number;
  /** PVECLI_MAX_REPLY_MB in bytes; undefined: the HTTP core's default (256 MiB). */
  maxReplyBytes?: number;
  /** Directory for this profile's ticket cache ($XDG_CACHE_HOME/pvecli). */
  cacheDir: string;
  /** Schema id for this profile, e.g. pve-9.2 */
  schema?: string;
  backend: Backend;
  /** The ssh backend's node (default: the host of `url`), login user, port, identity file, host key policy and known_hosts file. */
  sshHost?: string;
  sshUser?: string;
  sshPort?: number;
  sshIdentity?: string;
  /** yes, accept-new or no (ssh's StrictHostKeyChecking); unset: ssh's own configuration decides. */
  sshStrictHostKeyChecking?: string;
  sshKnownHosts?: string;
}

/** Where a setting's value came from, for `profile env`. */
export type SettingSource = 'flag' | 'environment' | 'profile' | 'default';

/** The environment variables of DESIGN.md §5, read as typed values: empty means unset (so CI can blank one out). */
import { UsageError } from '../errors';

/** The names, by setting (plus the profile and config file choices). */
export const ENV = {
  url: 'PROXMOX_API_URL',
  tokenId: 'PROXMOX_API_TOKEN_ID',
  tokenSecret: 'PROXMOX_API_TOKEN_SECRET',
  username: 'PROXMOX_API_USERNAME',
  password: 'PROXMOX_API_PASSWORD',
  otp: 'PROXMOX_API_OTP',
  otpType: 'PROXMOX_API_OTPTYPE',
  verifySsl: 'PROXMOX_API_VERIFY_SSL',
  fingerprint: 'PROXMOX_API_FINGERPRINT',
  caFile: 'PROXMOX_API_CA_FILE',
  service: 'PROXMOX_API_SERVICE',
  backend: 'PROXMOX_API_BACKEND',
  sshHost: 'PROXMOX_API_SSH_HOST',
  sshUser: 'PROXMOX_API_SSH_USER',
  sshPort: 'PROXMOX_API_SSH_PORT',
  sshIdentity: 'PROXMOX_API_SSH_IDENTITY',
  sshStrictHostKeyChecking: 'PROXMOX_API_SSH_STRICT_HOST_KEY_CHECKING',
  sshKnownHosts: 'PROXMOX_API_SSH_KNOWN_HOSTS',
  pathPrefix: 'PROXMOX_API_PATH_PREFIX',
  timeout: 'PROXMOX_API_TIMEOUT',
  connectTimeout: 'PROXMOX_API_CONNECT_TIMEOUT',
  retries: 'PROXMOX_API_RETRIES',
  retryBackoff: 'PROXMOX_API_RETRY_BACKOFF',
  httpsProxy: 'PROXMOX_API_HTTPS_PROXY',
  httpProxy: 'PROXMOX_API_HTTP_PROXY',
  profile: 'PVECLI_PROFILE',
  configFile: 'PROXMOX_CONFIG_FILE',
  maxReplyMb: 'PVECLI_MAX_REPLY_MB',
} as const;

/** V8's longest string is just under 512 MiB: a reply read as text cannot be longer. */
const MAX_REPLY_MB = 512;

/** PVECLI_MAX_REPLY_MB as bytes: the largest JSON reply read; undefined leaves the HTTP core's default. */
export function envReplyLimit(env: NodeJS.ProcessEnv): number | undefined {
  const mb = envNumber(env, ENV.maxReplyMb);
  if (mb === undefined) return undefined;
  if (mb <= 0 || mb > MAX_REPLY_MB) throw new UsageError(`${ENV.maxReplyMb}=${mb} must be more than 0 and at most ${MAX_REPLY_MB} (MiB)`);
  return Math.floor(mb * 1024 * 1024);
}

/** An environment variable, empty meaning unset. */
export function envString(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function envNumber(env: NodeJS.ProcessEnv, name: string, integer = false): number | undefined {
  const text = envString(env, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name}=${text} is not a non-negative ${integer ? 'integer' : 'number'}`);
  }
  return n;
}

export function envBoolean(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const text = envString(env, name);
  if (text === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new UsageError(`${name}=${text} is not a boolean (true/false, 1/0, yes/no)`);
}

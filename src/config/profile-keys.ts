/** The value types of a profile's keys. */
export type ValueKind = 'string' | 'secret' | 'boolean' | 'number' | 'integer';

/** Every key a profile may hold, with its value type; the order is the one `profile add` writes. */
export const PROFILE_KEYS = {
  url: 'string',
  token_id: 'string',
  token_secret: 'secret',
  username: 'string',
  password: 'secret',
  otp_type: 'string',
  fingerprint: 'string',
  ca_file: 'string',
  insecure: 'boolean',
  proxy: 'string',
  service: 'string',
  path_prefix: 'string',
  timeout: 'number',
  connect_timeout: 'number',
  retries: 'integer',
  retry_backoff: 'number',
  schema: 'string',
  backend: 'string',
  ssh_host: 'string',
  ssh_user: 'string',
  ssh_port: 'integer',
  ssh_identity: 'string',
  ssh_strict_host_key_checking: 'string',
  ssh_known_hosts: 'string',
} as const satisfies Record<string, ValueKind>;

export type ProfileKey = keyof typeof PROFILE_KEYS;
export type ProfileValue = string | number | boolean;
export type Profile = Partial<Record<ProfileKey, ProfileValue>>;

export const SECRET_KEYS: readonly ProfileKey[] = ['token_secret', 'password'];
/** The keys of the file itself, above the profiles. */
export const TOP_LEVEL_KEYS = ['current', 'profiles'] as const;

export function isProfileKey(key: string): key is ProfileKey {
  return Object.prototype.hasOwnProperty.call(PROFILE_KEYS, key);
}

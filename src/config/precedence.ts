import { UsageError } from '../errors';
import { durationProblem } from '../util/duration';
import { envBoolean, envNumber, envString, ENV } from './environment';
import { pickBackend, type BackendProfileKeys } from './backend';
import type { Profile } from './profile-keys';
import type { ConnectionSettings, Service, SettingSource } from './types';

/** The per-run global flags that carry connection settings (DESIGN.md §3). */
export interface GlobalConnectionFlags {
  profile?: string;
  url?: string;
  insecure?: boolean;
  tlsFingerprint?: string;
  caFile?: string;
  requestTimeout?: number;
  otp?: string;
  schema?: string;
}

export const DEFAULTS = {
  otpType: 'totp',
  verifyTls: true,
  service: 'PVE' as Service,
  pathPrefix: '',
  timeout: 30,
  connectTimeout: 10,
  retries: 0,
  retryBackoff: 0.5,
} as const;

const SERVICES: readonly Service[] = ['PVE', 'PBS', 'PMG', 'PDM'];

/** A setting's value before secrets are dereferenced, with where it came from. */
export interface Picked<T> {
  value: T | undefined;
  source: SettingSource;
}

/** The settings as picked by precedence; secrets from a profile are still references. */
/** Every setting with its source; passwordPrompt is derived later from a `prompt` password, never picked. */
export type PickedSettings = { [K in Exclude<keyof ConnectionSettings, 'passwordPrompt' | 'maxReplyBytes'>]-?: Picked<ConnectionSettings[K]> };

/** First defined candidate wins; candidates are listed flag, environment, profile, in that order. */
function pick<T>(candidates: Array<[SettingSource, T | undefined]>, fallback?: T): Picked<T> {
  for (const [source, value] of candidates) if (value !== undefined) return { value, source };
  return { value: fallback, source: 'default' };
}

export function parseService(text: string, where: string): Service {
  const service = text.toUpperCase() as Service;
  if (!SERVICES.includes(service)) throw new UsageError(`${where}: unknown service '${text}' (expected: ${SERVICES.join(', ').toLowerCase()})`);
  return service;
}

/** '/proxmox/' → '/proxmox'; '' stays ''. */
export function normalizePathPrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Apply flag › environment › profile › default to every setting. `profile` is the selected profile
 * (empty when none); `profileName`/`profileSource` say which one and why; `cacheDirectory` is fixed by the environment.
 */
export function pickSettings(
  flags: GlobalConnectionFlags,
  env: NodeJS.ProcessEnv,
  profile: Profile,
  profileName: Picked<string>,
  cacheDirectory: string,
): PickedSettings {
  const p = profile as BackendProfileKeys & {
    url?: string; token_id?: string; token_secret?: string; username?: string; password?: string; otp_type?: string;
    fingerprint?: string; ca_file?: string; insecure?: boolean; proxy?: string; service?: string; path_prefix?: string;
    timeout?: number; connect_timeout?: number; retries?: number; retry_backoff?: number; schema?: string;
  };
  const where = (key: string) => `profile '${profileName.value}': ${key}`;
  const url = pick<string>([['flag', flags.url], ['environment', envString(env, ENV.url)], ['profile', p.url]]);
  const schema = pick<string>([['flag', flags.schema], ['environment', envString(env, 'PVECLI_SCHEMA')], ['profile', p.schema]]);
  // The API scheme decides which of the two proxy variables applies, like curl does.
  const plainHttp = /^http:/i.test(url.value ?? '');
  const envProxy = plainHttp
    ? envString(env, ENV.httpProxy)
    : envString(env, ENV.httpsProxy) ?? envString(env, ENV.httpProxy);
  return {
    profile: profileName,
    url,
    service: pick<Service>([
      ['environment', map(envString(env, ENV.service), (s) => parseService(s, ENV.service))],
      ['profile', map(p.service, (s) => parseService(s, where('service')))],
    ], serviceOfSchema(schema.value) ?? DEFAULTS.service),
    pathPrefix: pick<string>([
      ['environment', map(envString(env, ENV.pathPrefix), normalizePathPrefix)],
      ['profile', map(p.path_prefix, normalizePathPrefix)],
    ], DEFAULTS.pathPrefix),
    ...pickCredentials(env, p),
    otp: pick<string>([['flag', flags.otp], ['environment', envString(env, ENV.otp)]]),
    otpType: pick<string>([['environment', envString(env, ENV.otpType)], ['profile', p.otp_type]], DEFAULTS.otpType),
    ...pickTrust(flags, env, p),
    caFile: pick<string>([['flag', flags.caFile], ['environment', envString(env, ENV.caFile)], ['profile', p.ca_file]]),
    proxy: pick<string>([['environment', envProxy], ['profile', p.proxy]]),
    timeout: ranged(pick<number>([['flag', flags.requestTimeout], ['environment', envNumber(env, ENV.timeout)], ['profile', p.timeout]], DEFAULTS.timeout), ENV.timeout, where('timeout')),
    connectTimeout: ranged(pick<number>([['environment', envNumber(env, ENV.connectTimeout)], ['profile', p.connect_timeout]], DEFAULTS.connectTimeout), ENV.connectTimeout, where('connect_timeout')),
    retries: pick<number>([['environment', envNumber(env, ENV.retries, true)], ['profile', p.retries]], DEFAULTS.retries),
    retryBackoff: ranged(pick<number>([['environment', envNumber(env, ENV.retryBackoff)], ['profile', p.retry_backoff]], DEFAULTS.retryBackoff), ENV.retryBackoff, where('retry_backoff')),
    cacheDir: { value: cacheDirectory, source: 'default' },
    schema,
    ...pickBackend(env, p, where, pick),
  };
}

/** `--schema pbs-4` speaks to a Backup Server: its token form, cookie and port follow unless the service is set. */
function serviceOfSchema(schema: string | undefined): Service | undefined {
  const product = /^(pve|pbs|pmg|pdm)(-|$)/i.exec(schema ?? '')?.[1];
  return product ? (product.toUpperCase() as Service) : undefined;
}

const RANK: Record<SettingSource, number> = { flag: 0, environment: 1, profile: 2, default: 3 };

/**
 * A pinned fingerprint decides trust on its own, unless verification was turned off at a higher level: `--insecure`
 * on the command line overrides the profile's pin (the certificate was replaced), a profile's `insecure` never
 * overrides a pin given by flag or environment.
 */
function pickTrust(
  flags: GlobalConnectionFlags,
  env: NodeJS.ProcessEnv,
  p: { insecure?: boolean; fingerprint?: string },
): Pick<PickedSettings, 'verifyTls' | 'fingerprint'> {
  const verifyTls = pick<boolean>([
    ['flag', flags.insecure ? false : undefined],
    ['environment', envBoolean(env, ENV.verifySsl)],
    ['profile', map(p.insecure, (insecure) => !insecure)],
  ], DEFAULTS.verifyTls);
  const fingerprint = pick<string>([['flag', flags.tlsFingerprint], ['environment', envString(env, ENV.fingerprint)], ['profile', p.fingerprint]]);
  const overridden = verifyTls.value === false && fingerprint.value !== undefined && RANK[verifyTls.source] < RANK[fingerprint.source];
  return { verifyTls, fingerprint: overridden ? pick<string>([]) : fingerprint };
}

/**
 * Credentials are chosen as a whole, not field by field. An identity (token ID or user name) in the environment
 * replaces the profile's credentials entirely, so an environment user never meets the profile's token and a
 * profile's secret never meets another identity. The environment may still supply the secret of the profile's own
 * identity (a CI job injecting PROXMOX_API_TOKEN_SECRET). A token wins over a user at the same level.
 */
function pickCredentials(
  env: NodeJS.ProcessEnv,
  p: { token_id?: string; token_secret?: string; username?: string; password?: string },
): Pick<PickedSettings, 'tokenId' | 'tokenSecret' | 'username' | 'password'> {
  const fromEnv = (name: string) => pick<string>([['environment', envString(env, name)]]);
  const unset = pick<string>([]);
  if (envString(env, ENV.tokenId) !== undefined) {
    return { tokenId: fromEnv(ENV.tokenId), tokenSecret: fromEnv(ENV.tokenSecret), username: unset, password: unset };
  }
  if (envString(env, ENV.username) !== undefined) {
    return { tokenId: unset, tokenSecret: unset, username: fromEnv(ENV.username), password: fromEnv(ENV.password) };
  }
  return {
    tokenId: pick<string>([['profile', p.token_id]]),
    tokenSecret: pick<string>([['environment', envString(env, ENV.tokenSecret)], ['profile', p.token_secret]]),
    username: pick<string>([['profile', p.username]]),
    password: pick<string>([['environment', envString(env, ENV.password)], ['profile', p.password]]),
  };
}

/** A duration from the environment or a profile, held to what a timer can wait (the flags check their own). */
function ranged(picked: Picked<number>, envName: string, profileKey: string): Picked<number> {
  const problem = picked.value === undefined ? undefined : durationProblem(picked.value, true);
  if (problem && picked.source !== 'default') {
    const what = picked.source === 'environment' ? `${envName}=${picked.value}` : `${profileKey} ${picked.value}`;
    throw new UsageError(`${what} ${problem}`);
  }
  return picked;
}

function map<T, U>(value: T | undefined, fn: (v: T) => U): U | undefined {
  return value === undefined ? undefined : fn(value);
}

/**
 * Profile management behind `pvecli profile ...`: each function reads or edits the config file and returns
 * plain data for the command to render. Secrets are only ever returned as their reference or `****`.
 */
import { existsSync, rmSync } from 'node:fs';
import { ticketCachePath } from './ticket-store';
import { UsageError } from '../errors';
import { nearest } from '../util/text';
import { shellCommand } from '../util/shell-quote';
import { coerceProfileValue } from './coerce';
import { checkTokenId, noPmgTokens } from './credentials';
import { ConfigFile } from './file';
import { updateConfigFile } from './locked-update';
import { cacheDir, configFilePath } from './paths';
import { normalizePathPrefix, parseService } from './precedence';
import { PROFILE_KEYS, SECRET_KEYS, isProfileKey, type Profile, type ProfileKey } from './profile-keys';
import { checkProfileName, MOCK_PROFILE } from './profile-names';
import { normalizeUrl } from './server-url';
import { warnAboutExposedSecrets } from './warnings';
import { maskUrlPasswords } from '../util/mask';
import { describeSecret, isLiteralSecret } from './secrets';

/** Second factors Proxmox knows (the prefix of a tfa-challenge response). */
const OTP_TYPES = ['totp', 'recovery', 'yubico', 'webauthn', 'u2f'];

export interface ProfileSummary {
  name: string;
  current: boolean;
  url: string;
  auth: string;
  tls: string;
}

type Warn = (message: string) => void;

/** The file as it is now, or an empty one when there is none (reading never creates it). */
function readConfig(env: NodeJS.ProcessEnv, warn?: Warn): ConfigFile {
  const path = configFilePath(env);
  if (!existsSync(path)) return ConfigFile.empty(path);
  const config = ConfigFile.read(path);
  if (warn) warnAboutExposedSecrets(config.snapshot(), warn);
  return config;
}

function authOf(profile: Profile): string {
  if (profile.token_id) return `token ${String(profile.token_id)}`;
  if (profile.username) return `password ${String(profile.username)}`;
  return '';
}

function tlsOf(profile: Profile): string {
  if (profile.fingerprint) return 'pinned';
  if (profile.ca_file) return 'ca-file';
  if (profile.insecure === true) return 'insecure';
  return 'system CAs';
}

export function listProfiles(env: NodeJS.ProcessEnv = process.env, warn?: Warn): { configFile: string; current?: string; profiles: ProfileSummary[] } {
  const config = readConfig(env, warn);
  const current = config.current;
  const profiles = config.profileNames().map((name) => {
    const profile = config.profile(name) ?? {};
    return { name, current: name === current, url: maskUrlPasswords(String(profile.url ?? '')), auth: authOf(profile), tls: tlsOf(profile) };
  });
  return { configFile: config.path, current, profiles };
}

/** A profile as stored, secrets replaced by their reference or `****`; `name` defaults to the selected profile. */
export function showProfile(name: string | undefined, env: NodeJS.ProcessEnv = process.env, warn?: Warn): Record<string, unknown> {
  const config = readConfig(env, warn);
  // With no profiles at all the target is the built-in mock (DESIGN.md §5), so that is what is shown.
  const chosen = name ?? (env.PVECLI_PROFILE || undefined) ?? config.current ?? (config.profileNames().length === 0 ? MOCK_PROFILE : undefined);
  if (!chosen) throw new UsageError('no profile selected', 'name one: `pvecli profile show NAME`');
  if (chosen === MOCK_PROFILE && !config.hasProfile(chosen)) {
    return { name: MOCK_PROFILE, current: config.current === MOCK_PROFILE || config.profileNames().length === 0, url: '(embedded mock server, started per run)' };
  }
  const profile = requireProfile(config, chosen);
  const shown: Record<string, unknown> = { name: chosen, current: chosen === config.current };
  for (const key of Object.keys(PROFILE_KEYS) as ProfileKey[]) {
    const value = profile[key];
    if (value === undefined) continue;
    shown[key] = SECRET_KEYS.includes(key) ? describeSecret(String(value)) : typeof value === 'string' ? maskUrlPasswords(value) : value;
  }
  return shown;
}

export interface AddOptions {
  /** Make it the current profile (also done when the file has no current profile yet). */
  use?: boolean;
  /** Replace an existing profile of that name. */
  force?: boolean;
}

/** Add a profile; values are validated and normalised first, so a bad one writes nothing. */
export async function addProfile(name: string, values: Profile, opts: AddOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<{ current: boolean }> {
  checkProfileName(name);
  if (name === MOCK_PROFILE) throw new UsageError(`'${MOCK_PROFILE}' is the built-in profile of the embedded server`, 'choose another name');
  const normalized = normalizeProfile(values);
  if (normalized.url === undefined) throw new UsageError('missing --url');
  return updateConfigFile(configFilePath(env), (config) => {
    if (config.hasProfile(name)) {
      if (!opts.force) throw new UsageError(`profile '${name}' exists`, `change it with \`${shellCommand('pvecli', 'profile', 'set', name)} KEY VALUE\`, or replace it with --force`);
      config.removeProfile(name);
    }
    const makeCurrent = Boolean(opts.use) || config.current === undefined;
    config.setProfile(name, normalized);
    if (makeCurrent) config.setCurrent(name);
    return { current: makeCurrent };
  });
}

export async function useProfile(name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await updateConfigFile(configFilePath(env), (config) => {
    if (name !== MOCK_PROFILE) requireProfile(config, name);
    config.setCurrent(name);
  });
}

export async function renameProfile(from: string, to: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  checkProfileName(to);
  if (to === MOCK_PROFILE) throw new UsageError(`'${MOCK_PROFILE}' is the built-in profile of the embedded server`, 'choose another name');
  await updateConfigFile(configFilePath(env), (config) => {
    requireProfile(config, from);
    if (config.hasProfile(to)) throw new UsageError(`profile '${to}' exists already`);
    config.renameProfile(from, to);
  });
  forgetTicket(from, env);
}

/** A cached login ticket is a credential for two hours: drop it with the profile name it was kept under. */
function forgetTicket(profile: string, env: NodeJS.ProcessEnv): void {
  try {
    rmSync(ticketCachePath(cacheDir(env), profile), { force: true });
  } catch {
    // best effort: the cache checks url and user before using a ticket anyway
  }
}

export async function removeProfile(name: string, env: NodeJS.ProcessEnv = process.env): Promise<{ wasCurrent: boolean }> {
  const result = await updateConfigFile(configFilePath(env), (config) => {
    requireProfile(config, name);
    const wasCurrent = config.current === name;
    config.removeProfile(name);
    return { wasCurrent };
  });
  forgetTicket(name, env);
  return result;
}

/**
 * `profile set NAME KEY VALUE`: KEY as in the file (token_secret) or as a flag (token-secret);
 * an empty VALUE removes the key. Returns the key as stored.
 */
export async function setProfileValue(name: string, key: string, value: string, env: NodeJS.ProcessEnv = process.env): Promise<{ key: ProfileKey; removed: boolean }> {
  const fileKey = key.replace(/-/g, '_');
  if (!isProfileKey(fileKey)) {
    const near = nearest(fileKey, Object.keys(PROFILE_KEYS));
    throw new UsageError(`unknown profile key '${key}'`, near.length ? `did you mean ${near.join(', ')}?` : `keys: ${Object.keys(PROFILE_KEYS).join(', ')}`);
  }
  const normalized = value === '' ? undefined : normalizeProfile({ [fileKey]: value })[fileKey];
  if (fileKey === 'url' && normalized === undefined) throw new UsageError('a profile needs a url; it cannot be removed');
  return updateConfigFile(configFilePath(env), (config) => {
    const current = requireProfile(config, name);
    // The profile as it will be, checked whole: one key at a time must not build what `profile add` refuses.
    const next: Profile = { ...current, [fileKey]: normalized };
    if (normalized === undefined) delete next[fileKey];
    checkCombination(next);
    if (normalized === undefined) config.unsetProfileKey(name, fileKey);
    else config.setProfile(name, { [fileKey]: normalized });
    return { key: fileKey, removed: normalized === undefined };
  });
}

/** Secrets given literally, for the caller's warning (the file will hold them in clear). */
export function literalSecretKeys(values: Profile): ProfileKey[] {
  return SECRET_KEYS.filter((key) => typeof values[key] === 'string' && isLiteralSecret(values[key] as string));
}

/** Types, URL, service and prefix checked and put in their stored form; throws UsageError naming the key. */
export function normalizeProfile(values: Profile): Profile {
  const out: Profile = {};
  for (const key of Object.keys(PROFILE_KEYS) as ProfileKey[]) {
    const raw = values[key];
    if (raw === undefined) continue;
    let value;
    try {
      value = coerceProfileValue(key, raw);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (key === 'url') value = normalizeUrl(String(value), undefined, values.service === undefined ? undefined : parseService(String(values.service), 'service'));
    if (key === 'service') value = parseService(String(value), 'service').toLowerCase();
    if (key === 'path_prefix') value = normalizePathPrefix(String(value));
    if (key === 'fingerprint') value = normalizeFingerprint(String(value));
    if (key === 'token_id') checkTokenId(String(value), 'the token ID');
    if (key === 'otp_type' && !OTP_TYPES.includes(String(value))) throw new UsageError(`otp_type '${String(value)}' is not one of ${OTP_TYPES.join(', ')}`);
    out[key] = value;
  }
  checkCombination(out);
  return out;
}

/** Settings that exclude each other within one profile. */
function checkCombination(out: Profile): void {
  if ([out.fingerprint, out.ca_file, out.insecure === true ? true : undefined].filter((v) => v !== undefined).length > 1) {
    throw new UsageError('choose one of fingerprint, ca_file and insecure');
  }
  // A token wins over a user at the same level, so the other credentials would never be used (see precedence).
  if (out.token_id !== undefined && out.service === 'pmg') {
    throw noPmgTokens('give the profile a --username and --password instead');
  }
  if (out.token_id !== undefined && out.username !== undefined) {
    throw new UsageError('choose one of token_id (API token) and username (password login)', 'a profile holds one identity; add a second profile for the other');
  }
}

/** 'abcd...' or 'ab:cd:...' → 'AB:CD:...' (32 bytes of SHA-256). */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/^sha256[:=]?/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new UsageError(`fingerprint '${text}' is not a SHA-256 fingerprint`, 'expected 32 hex bytes, e.g. AB:CD:...');
  return hex.match(/../g)!.join(':');
}

function requireProfile(config: ConfigFile, name: string): Profile {
  const profile = config.profile(name);
  if (profile) return profile;
  const names = config.profileNames();
  const near = nearest(name, names);
  throw new UsageError(
    `unknown profile '${name}'`,
    near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : names.length ? `profiles: ${names.join(', ')}` : 'add one with `pvecli profile add NAME --url https://HOST:8006`',
  );
}

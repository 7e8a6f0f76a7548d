import { UsageError } from '../errors';
import { maskUrlPasswords } from '../util/mask';
import { nearest } from '../util/text';
import { ConfigFile, SECRET_KEYS, type Profile } from './file';
import { loadConfigSnapshot, type ConfigSnapshot } from './snapshot';
import { cacheDir, configFilePath } from './paths';
import { checkBackend, ENV, pickSettings, type GlobalConnectionFlags, type Picked, type PickedSettings } from './precedence';
import { dereferenceSecret, describeSecret, isLiteralSecret } from './secrets';
import type { ConnectionSettings, Service, SettingSource } from './types';

/** The built-in profile: the embedded mock server (DESIGN.md §5). */
export const MOCK_PROFILE = 'mock';
/** The profile name reported when the target comes from PROXMOX_API_URL/--url alone, with no profile selected. */
export const ENVIRONMENT_PROFILE = '(environment)';

export interface ResolvedConnection {
  /** 'mock' when there is no config file and no PROXMOX_API_URL (DESIGN.md §5): the CLI then starts the embedded mock and fills url/fingerprint/token itself. */
  kind: 'remote' | 'mock';
  settings: ConnectionSettings;
  /** Per setting key (of ConnectionSettings): flag | environment | profile | default. */
  sources: Record<string, SettingSource>;
  /** The config file path used (may not exist). */
  configFile: string;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Whether secrets marked `prompt` may be asked for; default: stdin and stderr are TTYs. */
  interactive?: boolean;
  warn?: (message: string) => void;
  /** A remote target without usable credentials is refused here (exit 2) rather than sent unauthenticated. Default true. */
  requireCredentials?: boolean;
}

/** The selection step, shared by resolveConnection and `profile env`: which profile, from which file, and its raw values. */
export interface Selection {
  kind: 'remote' | 'mock';
  configFile: string;
  config?: ConfigSnapshot;
  profileName: Picked<string>;
  profile: Profile;
  picked: PickedSettings;
}

const defaultWarn = (message: string): void => {
  process.stderr.write(`pvecli: warning: ${message}\n`);
};

/**
 * Pick every setting by precedence without touching secrets (no prompt, no env:/file: lookups).
 * The config file is read only when it exists, so env-only runs never load the yaml parser.
 */
export function selectConnection(flags: GlobalConnectionFlags, env: NodeJS.ProcessEnv = process.env, warn: (m: string) => void = defaultWarn): Selection {
  checkBackend(env);
  const configFile = configFilePath(env);
  const config = loadConfigSnapshot(configFile, env, () => ConfigFile.read(configFile).snapshot());
  if (config) warnAboutExposedSecrets(config, warn);
  const names = config?.profiles.map(([n]) => n) ?? [];
  const envProfile = env[ENV.profile] || undefined;
  const chosen: Array<[SettingSource, string | undefined]> = [['flag', flags.profile], ['environment', envProfile], ['profile', config?.current]];
  const [source, name] = chosen.find(([, value]) => value !== undefined) ?? ['default', undefined];
  const urlGiven = Boolean(flags.url || env[ENV.url]);
  const cache = cacheDir(env);

  let kind: 'remote' | 'mock' = 'remote';
  let profileName: Picked<string>;
  let profile: Profile = {};
  const found = name === undefined ? undefined : config?.profiles.find(([n]) => n === name);
  if (found) {
    profileName = { value: found[0], source };
    profile = found[1];
  } else if (name === MOCK_PROFILE) {
    kind = 'mock';
    profileName = { value: MOCK_PROFILE, source };
  } else if (name !== undefined) {
    throw unknownProfile(name, source, names, configFile);
  } else if (urlGiven) {
    profileName = { value: ENVIRONMENT_PROFILE, source: 'default' };
  } else if (names.length === 0) {
    refuseMockFallback(env, config !== undefined, configFile);
    kind = 'mock';
    profileName = { value: MOCK_PROFILE, source: 'default' };
  } else {
    throw new UsageError(
      `no profile selected in ${configFile} (profiles: ${names.join(', ')})`,
      'choose one with --profile NAME, PVECLI_PROFILE, or `pvecli profile use NAME`',
    );
  }
  const picked = pickSettings(flags, env, profile, profileName, cache);
  if (kind === 'mock') picked.url = { value: '', source: 'default' };
  return { kind, configFile, config, profileName, profile, picked };
}

/** Resolve the run's connection (DESIGN.md §5): precedence, profile selection, secrets dereferenced. */
export async function resolveConnection(flags: GlobalConnectionFlags, opts: ResolveOptions = {}): Promise<ResolvedConnection> {
  const env = opts.env ?? process.env;
  const warn = opts.warn ?? defaultWarn;
  // Touching process.stdin builds a stream (~5 ms): only look when a `prompt` secret needs it.
  const interactive = () => opts.interactive ?? Boolean(process.stderr.isTTY && process.stdin.isTTY);
  const selection = selectConnection(flags, env, warn);
  const { picked, kind, configFile } = selection;
  const profileLabel = picked.profile.value;

  if (kind === 'remote') picked.url.value = normalizeUrl(picked.url.value, profileLabel, picked.service.value);

  warnAboutRedirectedCredentials(selection, warn);

  const secret = async (key: 'tokenSecret' | 'password', fileKey: string, question: string): Promise<string | undefined> => {
    const { value, source } = picked[key];
    if (value === undefined || source !== 'profile') return value;
    return dereferenceSecret(value, { label: `${fileKey} of profile '${profileLabel}'`, question, env, interactive, configFile, warn });
  };
  // Dereference only the secret that will be used: a token wins over a password, and an unused
  // `prompt` must not stop a run to ask.
  const useToken = picked.tokenId.value !== undefined;
  if (kind === 'remote' && opts.requireCredentials !== false) checkCredentials(picked, profileLabel);
  const tokenSecret = useToken ? await secret('tokenSecret', 'token_secret', `Secret of API token ${picked.tokenId.value} (profile ${profileLabel})`) : undefined;
  const passwordQuestion = `Password for ${picked.username.value ?? 'the user'} (profile ${profileLabel})`;
  // A `prompt` password is asked only when a login needs it (see ConnectionSettings.passwordPrompt).
  const promptLater = !useToken && picked.password.source === 'profile' && picked.password.value === 'prompt';
  const password = useToken || promptLater ? undefined : await secret('password', 'password', passwordQuestion);
  let asked: Promise<string> | undefined;
  const passwordPrompt = promptLater
    ? () => (asked ??= secret('password', 'password', passwordQuestion).then((p) => p ?? ''))
    : undefined;

  const settings: ConnectionSettings = {
    profile: picked.profile.value ?? MOCK_PROFILE,
    url: picked.url.value ?? '',
    service: picked.service.value!,
    pathPrefix: picked.pathPrefix.value!,
    tokenId: picked.tokenId.value,
    tokenSecret,
    username: picked.username.value,
    password,
    ...(passwordPrompt ? { passwordPrompt } : {}),
    otp: picked.otp.value,
    otpType: picked.otpType.value!,
    verifyTls: picked.verifyTls.value!,
    fingerprint: picked.fingerprint.value,
    caFile: picked.caFile.value,
    proxy: picked.proxy.value,
    timeout: picked.timeout.value!,
    connectTimeout: picked.connectTimeout.value!,
    retries: picked.retries.value!,
    retryBackoff: picked.retryBackoff.value!,
    cacheDir: picked.cacheDir.value!,
    schema: picked.schema.value,
  };
  const sources: Record<string, SettingSource> = {};
  for (const [key, { source }] of Object.entries(picked)) sources[key] = source;
  return { kind, settings, sources, configFile };
}

/** A userid (`name@realm`) + `!` + token name; a little wider than each product's own rule, never with '=' or blanks. */
const TOKEN_ID = /^[^\s:/=@!]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z0-9_][A-Za-z0-9.\-_]*$/;

/**
 * An API token ID must be `USER@REALM!NAME`. The value is never echoed: Proxmox shows new tokens as
 * `USER@REALM!NAME=SECRET`, and that whole line is an easy thing to paste into the ID.
 */
export function checkTokenId(id: string, where: string): void {
  if (TOKEN_ID.test(id)) return;
  throw new UsageError(
    `${where} is not an API token ID (USER@REALM!NAME)`,
    id.includes('=') ? "it looks like ID=SECRET: the part after '=' is the token secret and goes in its own setting" : 'e.g. automation@pve!ci',
  );
}

/** Connection variables whose presence (even empty) means the user meant a real server. */
const CONNECTION_VARIABLES = [ENV.url, ENV.tokenId, ENV.tokenSecret, ENV.username, ENV.password];

/**
 * The built-in mock is for a machine with no configuration at all (DESIGN.md §5). A CI job whose URL secret came
 * out empty, credentials without a URL, or a config file named but missing must fail, not succeed against fake state.
 */
function refuseMockFallback(env: NodeJS.ProcessEnv, configExists: boolean, configFile: string): void {
  if (env.PROXMOX_CONFIG_FILE && !configExists) {
    throw new UsageError(`config file ${configFile} (PROXMOX_CONFIG_FILE) does not exist`, "create it with 'pvecli profile add', or unset PROXMOX_CONFIG_FILE");
  }
  const given = CONNECTION_VARIABLES.filter((name) => env[name] !== undefined);
  if (given.length === 0) return;
  throw new UsageError(
    env[ENV.url] !== undefined ? `${ENV.url} is empty` : `${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set but ${ENV.url} is not`,
    `set ${ENV.url}=https://HOST:8006 or add a profile; for the built-in mock, unset the PROXMOX_API_* variables or use --profile mock`,
  );
}

/** PMG's API has no token endpoints at all: a token for it cannot exist. */
export function noPmgTokens(hint: string): UsageError {
  return new UsageError('Proxmox Mail Gateway has no API tokens', hint);
}

/** Refuse locally what the server would only answer with 401: no identity at all, or a token without its secret. */
function checkCredentials(picked: PickedSettings, profileLabel: string | undefined): void {
  const named = profileLabel !== undefined && profileLabel !== ENVIRONMENT_PROFILE;
  if (picked.tokenId.value !== undefined && picked.service.value === 'PMG') {
    throw noPmgTokens(`log in with a user and password (${ENV.username}, ${ENV.password})`);
  }
  if (picked.tokenId.value !== undefined) {
    checkTokenId(picked.tokenId.value, picked.tokenId.source === 'profile' && named ? `token_id of profile '${profileLabel}'` : ENV.tokenId);
  }
  if (picked.tokenId.value !== undefined && picked.tokenSecret.value === undefined) {
    throw new UsageError(
      `API token ${picked.tokenId.value} has no secret`,
      picked.tokenId.source === 'profile' && named
        ? `set ${ENV.tokenSecret}, or the profile's: pvecli profile set ${profileLabel} token_secret env:VARIABLE`
        : `set ${ENV.tokenSecret} too`,
    );
  }
  if (picked.tokenId.value === undefined && picked.username.value === undefined) {
    const env = `set ${ENV.tokenId} and ${ENV.tokenSecret} (or ${ENV.username} and ${ENV.password})`;
    throw new UsageError(
      `no credentials for ${maskUrlPasswords(picked.url.value ?? 'the server')}`,
      named ? `${env}, or give profile ${profileLabel} a token: pvecli profile set ${profileLabel} token_id USER@REALM!NAME` : env,
    );
  }
}

/**
 * Every setting with its source, as `profile env` prints it: secrets never dereferenced, shown as
 * their reference (env:NAME, file:PATH, prompt), `****` for a literal, or `(set)` from the environment.
 */
export function describeConnection(flags: GlobalConnectionFlags, env: NodeJS.ProcessEnv = process.env, warn?: (m: string) => void): {
  kind: 'remote' | 'mock';
  configFile: string;
  settings: Array<{ setting: keyof PickedSettings; value: string; source: SettingSource; variable: string }>;
} {
  const { kind, configFile, picked } = selectConnection(flags, env, warn);
  const settings = (Object.keys(picked) as Array<keyof PickedSettings>).map((setting) => {
    const { value, source } = picked[setting];
    let shown: string;
    if (value === undefined) shown = '';
    else if (setting === 'tokenSecret' || setting === 'password' || setting === 'otp') {
      shown = source === 'profile' ? describeSecret(String(value))! : '****';
    } else shown = maskUrlPasswords(String(value));
    return { setting, value: shown, source, variable: VARIABLE_OF[setting] ?? '' };
  });
  return { kind, configFile, settings };
}

/** The environment variable behind each setting, so `profile env` also says how to override it. */
const VARIABLE_OF: Partial<Record<keyof ConnectionSettings, string>> = {
  profile: ENV.profile, url: ENV.url, service: ENV.service, pathPrefix: ENV.pathPrefix, tokenId: ENV.tokenId,
  tokenSecret: ENV.tokenSecret, username: ENV.username, password: ENV.password, otp: ENV.otp, otpType: ENV.otpType,
  verifyTls: ENV.verifySsl, fingerprint: ENV.fingerprint, caFile: ENV.caFile, proxy: `${ENV.httpsProxy}, ${ENV.httpProxy}`,
  timeout: ENV.timeout, connectTimeout: ENV.connectTimeout, retries: ENV.retries, retryBackoff: ENV.retryBackoff,
  cacheDir: 'XDG_CACHE_HOME',
};

/** The port each product's API listens on; a bare host name gets it ('pve1' → 'https://pve1:8006'). */
const DEFAULT_PORTS: Record<Service, number> = { PVE: 8006, PBS: 8007, PMG: 8006, PDM: 8443 };

/**
 * 'pve:8006' → 'https://pve:8006', 'pve' → 'https://pve:8006' (the service's port); trailing '/' and '/api2/json'
 * dropped (the client adds it). A URL written with its scheme keeps its port as written (443 behind a reverse proxy).
 */
export function normalizeUrl(url: string | undefined, profile: string | undefined, service: Service = 'PVE'): string {
  if (url === undefined || url === '') {
    throw new UsageError(
      profile && profile !== ENVIRONMENT_PROFILE ? `profile '${profile}' has no url` : 'no server URL',
      `set it with \`pvecli profile set ${profile ?? 'NAME'} url https://HOST:8006\` or ${ENV.url}`,
    );
  }
  const schemeGiven = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let withScheme = schemeGiven ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid server URL '${url}'`, 'expected https://HOST:8006');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError(`invalid server URL '${url}': only https:// is supported`);
  // Not parsed.port: URL drops a port equal to the scheme's default (443), which the user did write.
  if (!schemeGiven && !/^(\[[^\]]*\]|[^/[\]:]*):\d+/.test(url)) {
    parsed.port = String(DEFAULT_PORTS[service]);
    withScheme = parsed.href;
  }
  return withScheme.replace(/\/+$/, '').replace(/\/api2\/json$/, '').replace(/\/+$/, '');
}

function unknownProfile(name: string, source: SettingSource, names: string[], configFile: string): UsageError {
  const from = source === 'flag' ? '--profile' : source === 'environment' ? ENV.profile : `'current' in ${configFile}`;
  const near = nearest(name, [...names, MOCK_PROFILE]);
  const hint = near.length > 0
    ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`
    : names.length > 0 ? `profiles: ${names.join(', ')}` : 'add one with `pvecli profile add NAME --url https://HOST:8006`';
  return new UsageError(`unknown profile '${name}' (from ${from})`, hint);
}

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
function warnAboutRedirectedCredentials({ picked, profile }: Selection, warn: (m: string) => void): void {
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

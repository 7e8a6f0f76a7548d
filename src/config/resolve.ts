/** The run's connection (DESIGN.md §5): the selection (select.ts) checked, its URL normalised, secrets dereferenced. */
import { isatty } from '../util/tty';
import { envReplyLimit } from './environment';
import { checkBackendService, refuseApiCredentials, sshHostOf } from './backend';
import { checkCredentials } from './credentials';
import type { GlobalConnectionFlags } from './precedence';
import { MOCK_PROFILE } from './profile-names';
import { dereferenceSecret } from './secrets';
import { selectConnection } from './select';
import { normalizeUrl } from './server-url';
import type { ConnectionSettings, SettingSource } from './types';
import { refuseRedirectedCredentials } from './warnings';

// For src/cli/complete.ts, which imports it from here.
export { MOCK_PROFILE } from './profile-names';

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
  /** Asks for a `prompt` secret on a terminal (the CLI passes its masked prompt). */
  askSecret?: (question: string) => Promise<string>;
  /** Where warnings go (the CLI passes its stderr writer); none given, they are dropped: config writes nothing itself. */
  warn?: (message: string) => void;
  /** A remote target without usable credentials is refused here (exit 2) rather than sent unauthenticated. Default true. */
  requireCredentials?: boolean;
}

/** Resolve the run's connection (DESIGN.md §5): precedence, profile selection, secrets dereferenced. */
export async function resolveConnection(flags: GlobalConnectionFlags, opts: ResolveOptions = {}): Promise<ResolvedConnection> {
  const env = opts.env ?? process.env;
  const warn = opts.warn ?? ((): void => undefined);
  // Only looked at when a `prompt` secret needs it.
  const interactive = () => opts.interactive ?? (isatty(2) && isatty(0));
  const selection = selectConnection(flags, env, warn);
  const { picked, kind, configFile } = selection;
  const profileLabel = picked.profile.value;

  const backend = picked.backend.value!;
  // pvesh needs no URL; one given still names the ssh backend's node.
  if (kind === 'remote' && (backend === 'https' || picked.url.value)) picked.url.value = normalizeUrl(picked.url.value, profileLabel, picked.service.value);
  if (backend !== 'https') {
    checkBackendService(backend, picked.service.value!);
    refuseApiCredentials(picked, profileLabel);
    for (const key of ['tokenId', 'tokenSecret', 'username', 'password', 'otp'] as const) picked[key] = { value: undefined, source: 'default' };
  }

  refuseRedirectedCredentials(selection);

  const secret = async (key: 'tokenSecret' | 'password', fileKey: string, question: string): Promise<string | undefined> => {
    const { value, source } = picked[key];
    if (value === undefined || source !== 'profile') return value;
    return dereferenceSecret(value, { label: `${fileKey} of profile '${profileLabel}'`, question, env, interactive, ask: opts.askSecret, configFile, warn });
  };
  // Dereference only the secret that will be used: a token wins over a password, and an unused
  // `prompt` must not stop a run to ask.
  const useToken = picked.tokenId.value !== undefined;
  if (kind === 'remote' && backend === 'https' && opts.requireCredentials !== false) checkCredentials(picked, profileLabel);
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
    maxReplyBytes: envReplyLimit(env),
    cacheDir: picked.cacheDir.value!,
    schema: picked.schema.value,
    backend,
    sshHost: backend === 'ssh' ? sshHostOf(picked.sshHost.value, picked.url.value, profileLabel) : undefined,
    sshUser: picked.sshUser.value,
    sshPort: picked.sshPort.value,
    sshIdentity: picked.sshIdentity.value,
    sshStrictHostKeyChecking: picked.sshStrictHostKeyChecking.value,
    sshKnownHosts: picked.sshKnownHosts.value,
  };
  const sources: Record<string, SettingSource> = {};
  for (const [key, { source }] of Object.entries(picked)) sources[key] = source;
  return { kind, settings, sources, configFile };
}

import { maskUrlPasswords } from '../util/mask';
import { ENV } from './environment';
import type { GlobalConnectionFlags, PickedSettings } from './precedence';
import { describeSecret } from './secrets';
import { selectConnection } from './select';
import type { ConnectionSettings, SettingSource } from './types';

/**
 * Every setting with its source, as `profile env` prints it: secrets never dereferenced, shown as
 * their reference (env:NAME, file:PATH, prompt), `****` for a literal, or `(set)` from the environment.
 */
export function describeConnection(flags: GlobalConnectionFlags, env: NodeJS.ProcessEnv, warn: (m: string) => void): {
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
  cacheDir: 'XDG_CACHE_HOME', backend: ENV.backend, sshHost: ENV.sshHost, sshUser: ENV.sshUser, sshPort: ENV.sshPort,
  sshIdentity: ENV.sshIdentity, sshStrictHostKeyChecking: ENV.sshStrictHostKeyChecking, sshKnownHosts: ENV.sshKnownHosts,
};

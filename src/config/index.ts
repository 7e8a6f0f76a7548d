/**
 * Connection configuration (DESIGN.md §5): the config file, profiles, environment, precedence, secret references.
 * The CLI calls resolveConnection once per run; profile commands use the file API.
 */
import { UsageError } from '../errors';
import { ConfigFile, updateConfigFile } from './file';
import { configFilePath } from './paths';

export { writeFileAtomic } from '../util/atomic-file';
export { ConfigFile, PROFILE_KEYS, SECRET_KEYS, checkProfileName, coerceProfileValue, isProfileKey, updateConfigFile } from './file';
export type { Profile, ProfileKey, ProfileValue } from './file';
export { withFileLock } from '../util/file-lock';
export { cacheDir, configFilePath, stateDir } from './paths';
export { DEFAULTS, ENV } from './precedence';
export type { GlobalConnectionFlags } from './precedence';
export { ENVIRONMENT_PROFILE, MOCK_PROFILE, describeConnection, normalizeUrl, resolveConnection, selectConnection } from './resolve';
export type { ResolveOptions, ResolvedConnection } from './resolve';
export { describeSecret, isLiteralSecret, parseSecretRef } from './secrets';
export type { ConnectionSettings, Service, SettingSource } from './types';

/** Save a TOFU fingerprint into a profile (atomic, under the lock, comments kept). */
export async function saveProfileFingerprint(profile: string, fingerprint: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await updateConfigFile(configFilePath(env), (config: ConfigFile) => {
    if (!config.hasProfile(profile)) throw new UsageError(`no profile '${profile}' in ${config.path}`);
    config.setProfile(profile, { fingerprint });
  });
}

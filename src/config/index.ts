/**
 * Connection configuration (DESIGN.md §5): the config file, profiles, environment, precedence, secret references.
 * The CLI calls resolveConnection once per run; profile commands use the file API.
 */
import { UsageError } from '../errors';
import type { ConfigFile } from './file';
import { updateConfigFile } from './locked-update';
import { configFilePath } from './paths';

export { writeFileAtomic } from '../util/atomic-file';
export { coerceProfileValue } from './coerce';
export { ConfigFile } from './file';
export { updateConfigFile } from './locked-update';
export { PROFILE_KEYS, SECRET_KEYS, isProfileKey } from './profile-keys';
export type { Profile, ProfileKey, ProfileValue } from './profile-keys';
export { ENVIRONMENT_PROFILE, MOCK_PROFILE, checkProfileName } from './profile-names';
export { withFileLock } from '../util/file-lock';
export { cacheDir, configFilePath, stateDir } from './paths';
export { ENV } from './environment';
export { DEFAULTS } from './precedence';
export type { GlobalConnectionFlags } from './precedence';
export { describeConnection } from './describe';
export { resolveConnection } from './resolve';
export type { ResolveOptions, ResolvedConnection } from './resolve';
export { selectConnection } from './select';
export { normalizeUrl } from './server-url';
export { describeSecret, isLiteralSecret, parseSecretRef } from './secrets';
export type { ConnectionSettings, Service, SettingSource } from './types';

/** Save a TOFU fingerprint into a profile (atomic, under the lock, comments kept). */
export async function saveProfileFingerprint(profile: string, fingerprint: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await updateConfigFile(configFilePath(env), (config: ConfigFile) => {
    if (!config.hasProfile(profile)) throw new UsageError(`no profile '${profile}' in ${config.path}`);
    config.setProfile(profile, { fingerprint });
  });
}

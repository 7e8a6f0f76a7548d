/**
 * Which profile a run uses, from which file, and every setting picked by precedence (DESIGN.md §5), secrets still
 * as references: shared by resolveConnection, `profile env` and the offline lookups of the CLI (schema, completion).
 */
import { UsageError } from '../errors';
import { nearest } from '../util/text';
import { ConfigFile } from './file';
import { cacheDir, configFilePath } from './paths';
import { ENV, envString } from './environment';
import { pickSettings, type GlobalConnectionFlags, type Picked, type PickedSettings } from './precedence';
import type { Profile } from './profile-keys';
import { ENVIRONMENT_PROFILE, MOCK_PROFILE } from './profile-names';
import { checkConfigFileSafety } from './file-safety';
import { loadConfigSnapshot, type ConfigSnapshot } from './snapshot';
import type { SettingSource } from './types';
import { warnAboutExposedSecrets } from './warnings';

/** The selection step, shared by resolveConnection and `profile env`: which profile, from which file, and its raw values. */
export interface Selection {
  kind: 'remote' | 'mock';
  configFile: string;
  config?: ConfigSnapshot;
  profileName: Picked<string>;
  profile: Profile;
  picked: PickedSettings;
}

/**
 * Pick every setting by precedence without touching secrets (no prompt, no env:/file: lookups).
 * The config file is read only when it exists, so env-only runs never load the yaml parser.
 */
export function selectConnection(flags: GlobalConnectionFlags, env: NodeJS.ProcessEnv, warn: (m: string) => void): Selection {
  const configFile = configFilePath(env);
  const config = loadConfigSnapshot(configFile, env, () => ConfigFile.read(configFile).snapshot());
  if (config) {
    checkConfigFileSafety(configFile);
    warnAboutExposedSecrets(config, warn);
  }
  const names = config?.profiles.map(([n]) => n) ?? [];
  const envProfile = env[ENV.profile] || undefined;
  const chosen: Array<[SettingSource, string | undefined]> = [['flag', flags.profile], ['environment', envProfile], ['profile', config?.current]];
  const [source, name] = chosen.find(([, value]) => value !== undefined) ?? ['default', undefined];
  // pvesh on a node needs no URL: an ssh or local backend chosen in the environment is a target of its own.
  const targetGiven = Boolean(flags.url || env[ENV.url]) || /^(ssh|local)$/i.test(envString(env, ENV.backend) ?? '');
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
  } else if (targetGiven) {
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
  if (kind === 'mock' && picked.backend.value !== 'https') {
    throw new UsageError(`the built-in mock speaks https only, not the ${picked.backend.value} backend`, `unset ${ENV.backend}, or pick a profile`);
  }
  return { kind, configFile, config, profileName, profile, picked };
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
  if (given.length === 0) {
    // DESIGN.md §5: a CI step that lost its secrets must fail, not succeed against a simulation.
    if (runsInCi(env)) {
      throw new UsageError(
        'no target configured, and CI is set: the built-in mock is not used implicitly in CI',
        `set ${ENV.url} and ${ENV.tokenId}/${ENV.tokenSecret} (or a profile), or pass --profile mock to use the mock on purpose`,
      );
    }
    return;
  }
  throw new UsageError(
    env[ENV.url] !== undefined ? `${ENV.url} is empty` : `${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set but ${ENV.url} is not`,
    `set ${ENV.url}=https://HOST:8006 or add a profile; for the built-in mock, unset the PROXMOX_API_* variables or use --profile mock`,
  );
}

/** CI=true (GitHub, GitLab, most runners); CI=false or 0 is a way to say no. */
function runsInCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== 'false' && value !== '0';
}

function unknownProfile(name: string, source: SettingSource, names: string[], configFile: string): UsageError {
  const from = source === 'flag' ? '--profile' : source === 'environment' ? ENV.profile : `'current' in ${configFile}`;
  const near = nearest(name, [...names, MOCK_PROFILE]);
  const hint = near.length > 0
    ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`
    : names.length > 0 ? `profiles: ${names.join(', ')}` : 'add one with `pvecli profile add NAME --url https://HOST:8006`';
  return new UsageError(`unknown profile '${name}' (from ${from})`, hint);
}

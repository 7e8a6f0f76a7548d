import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { resolveConnection as resolveStrictly, type GlobalConnectionFlags, type ResolveOptions } from '../../src/config/index';
import { checkTokenId } from '../../src/config/credentials';
import { normalizeUrl } from '../../src/config/server-url';

/** Precedence is about where each setting comes from; the credentials check has tests of its own below. */
const resolveConnection = (flags: GlobalConnectionFlags, opts: ResolveOptions = {}) => resolveStrictly(flags, { requireCredentials: false, ...opts });

const dir = mkdtempSync(join(tmpdir(), 'pvecli-precedence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Source = 'flag' | 'environment' | 'profile' | 'default';
const LEVELS: Source[] = ['flag', 'environment', 'profile', 'default'];

/** One setting: how each source sets it, and the value each must produce. Sources a setting lacks are omitted. */
interface Row {
  setting: string;
  flag?: [keyof GlobalConnectionFlags, GlobalConnectionFlags[keyof GlobalConnectionFlags], unknown];
  env?: [Record<string, string>, unknown];
  profile?: [Record<string, unknown>, unknown];
  default?: unknown;
  /** Extra profile keys the setting needs to be read at all (e.g. token_id for token_secret). */
  base?: Record<string, unknown>;
}

const ROWS: Row[] = [
  { setting: 'url', flag: ['url', 'https://flag:8006', 'https://flag:8006'], env: [{ PROXMOX_API_URL: 'https://env:8006/' }, 'https://env:8006'], profile: [{ url: 'profile:8006' }, 'https://profile:8006'] },
  { setting: 'tokenId', env: [{ PROXMOX_API_TOKEN_ID: 'env@pve!t' }, 'env@pve!t'], profile: [{ token_id: 'prof@pve!t' }, 'prof@pve!t'], default: undefined },
  {
    setting: 'tokenSecret', base: { token_id: 'u@pve!t' },
    env: [{ PROXMOX_API_TOKEN_SECRET: 'env-secret' }, 'env-secret'],
    profile: [{ token_secret: 'env:PROFILE_TOKEN' }, 'profile-secret'], default: undefined,
  },
  { setting: 'username', env: [{ PROXMOX_API_USERNAME: 'env@pam' }, 'env@pam'], profile: [{ username: 'prof@pam' }, 'prof@pam'], default: undefined },
  {
    setting: 'password', env: [{ PROXMOX_API_PASSWORD: 'env-pw' }, 'env-pw'],
    profile: [{ password: 'env:PROFILE_PASSWORD' }, 'profile-pw'], default: undefined,
  },
  { setting: 'otp', flag: ['otp', '111111', '111111'], env: [{ PROXMOX_API_OTP: '222222' }, '222222'], default: undefined },
  { setting: 'otpType', env: [{ PROXMOX_API_OTPTYPE: 'recovery' }, 'recovery'], profile: [{ otp_type: 'yubico' }, 'yubico'], default: 'totp' },
  { setting: 'verifyTls', flag: ['insecure', true, false], env: [{ PROXMOX_API_VERIFY_SSL: 'true' }, true], profile: [{ insecure: true }, false], default: true },
  { setting: 'fingerprint', flag: ['tlsFingerprint', 'AA:AA', 'AA:AA'], env: [{ PROXMOX_API_FINGERPRINT: 'BB:BB' }, 'BB:BB'], profile: [{ fingerprint: 'CC:CC' }, 'CC:CC'], default: undefined },
  { setting: 'caFile', flag: ['caFile', '/flag.pem', '/flag.pem'], env: [{ PROXMOX_API_CA_FILE: '/env.pem' }, '/env.pem'], profile: [{ ca_file: '/profile.pem' }, '/profile.pem'], default: undefined },
  { setting: 'proxy', env: [{ PROXMOX_API_HTTPS_PROXY: 'http://env-proxy:3128' }, 'http://env-proxy:3128'], profile: [{ proxy: 'http://profile-proxy:3128' }, 'http://profile-proxy:3128'], default: undefined },
  { setting: 'service', env: [{ PROXMOX_API_SERVICE: 'pbs' }, 'PBS'], profile: [{ service: 'pmg' }, 'PMG'], default: 'PVE' },
  { setting: 'pathPrefix', env: [{ PROXMOX_API_PATH_PREFIX: '/env/' }, '/env'], profile: [{ path_prefix: 'profile' }, '/profile'], default: '' },
  { setting: 'timeout', flag: ['requestTimeout', 5, 5], env: [{ PROXMOX_API_TIMEOUT: '6' }, 6], profile: [{ timeout: 7 }, 7], default: 30 },
  { setting: 'connectTimeout', env: [{ PROXMOX_API_CONNECT_TIMEOUT: '3' }, 3], profile: [{ connect_timeout: 4 }, 4], default: 10 },
  { setting: 'retries', env: [{ PROXMOX_API_RETRIES: '2' }, 2], profile: [{ retries: 3 }, 3], default: 0 },
  { setting: 'retryBackoff', env: [{ PROXMOX_API_RETRY_BACKOFF: '1.5' }, 1.5], profile: [{ retry_backoff: 2 }, 2], default: 0.5 },
  { setting: 'schema', flag: ['schema', 'pve-9.1', 'pve-9.1'], profile: [{ schema: 'pbs-4.0' }, 'pbs-4.0'], default: undefined },
  { setting: 'backend', env: [{ PROXMOX_API_BACKEND: 'SSH' }, 'ssh'], profile: [{ backend: 'local' }, 'local'], default: 'https' },
  // The ssh node defaults to the URL's host.
  { setting: 'sshHost', base: { backend: 'ssh' }, env: [{ PROXMOX_API_SSH_HOST: 'env-node' }, 'env-node'], profile: [{ ssh_host: 'profile-node' }, 'profile-node'], default: 'base' },
  { setting: 'sshUser', env: [{ PROXMOX_API_SSH_USER: 'envuser' }, 'envuser'], profile: [{ ssh_user: 'root' }, 'root'], default: undefined },
  { setting: 'sshPort', env: [{ PROXMOX_API_SSH_PORT: '2222' }, 2222], profile: [{ ssh_port: 22 }, 22], default: undefined },
  { setting: 'sshIdentity', env: [{ PROXMOX_API_SSH_IDENTITY: '/env/id' }, '/env/id'], profile: [{ ssh_identity: '/profile/id' }, '/profile/id'], default: undefined },
  { setting: 'sshStrictHostKeyChecking', env: [{ PROXMOX_API_SSH_STRICT_HOST_KEY_CHECKING: 'Accept-New' }, 'accept-new'], profile: [{ ssh_strict_host_key_checking: 'yes' }, 'yes'], default: undefined },
  { setting: 'sshKnownHosts', env: [{ PROXMOX_API_SSH_KNOWN_HOSTS: '/env/kh' }, '/env/kh'], profile: [{ ssh_known_hosts: '/profile/kh' }, '/profile/kh'], default: undefined },
];

let fileCounter = 0;
function writeConfig(profile: Record<string, unknown>): string {
  const path = join(dir, `config-${fileCounter++}.yaml`);
  writeFileSync(path, stringify({ current: 'p', profiles: { p: profile } }), { mode: 0o600 });
  return path;
}

/** Inputs holding every source from `level` downwards, so `level` must win. */
function inputsFrom(row: Row, level: Source) {
  const from = LEVELS.indexOf(level);
  const flags: GlobalConnectionFlags = {};
  const env: NodeJS.ProcessEnv = { HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), PROFILE_TOKEN: 'profile-secret', PROFILE_PASSWORD: 'profile-pw' };
  const profile: Record<string, unknown> = { url: 'https://base:8006', ...row.base };
  if (row.flag && from <= 0) (flags as Record<string, unknown>)[row.flag[0]] = row.flag[1];
  if (row.env && from <= 1) Object.assign(env, row.env[0]);
  if (row.profile && from <= 2) Object.assign(profile, row.profile[0]);
  if (row.setting === 'url' && level === 'default') delete profile.url;
  env.PROXMOX_CONFIG_FILE = writeConfig(profile);
  return { flags, env };
}

function expected(row: Row, level: Source): unknown {
  if (level === 'flag') return row.flag![2];
  if (level === 'environment') return row.env![1];
  if (level === 'profile') return row.profile![1];
  return row.default;
}

const cases = ROWS.flatMap((row) =>
  LEVELS.filter((level) => (level === 'default' ? 'default' in row : row[level] !== undefined)).map((level) => ({ row, level })),
);

describe('precedence: flag › environment › profile › default', () => {
  it.each(cases.map((c) => [c.row.setting, c.level, c] as const))('%s from %s', async (_s, level, { row }) => {
    const { flags, env } = inputsFrom(row, level);
    const resolved = await resolveConnection(flags, { env, interactive: false, warn: () => {} });
    expect((resolved.settings as unknown as Record<string, unknown>)[row.setting]).toEqual(expected(row, level));
    expect(resolved.sources[row.setting]).toBe(level);
    expect(resolved.kind).toBe('remote');
  });

  it('url with no source at all is an error naming the profile', async () => {
    const { flags, env } = inputsFrom(ROWS[0], 'default');
    await expect(resolveConnection(flags, { env, interactive: false })).rejects.toMatchObject({ exitCode: 2, message: "profile 'p' has no url" });
  });
});

describe('profile selection: --profile › PVECLI_PROFILE › current', () => {
  const path = join(dir, 'selection.yaml');
  writeFileSync(path, stringify({ current: 'c', profiles: { f: { url: 'https://f' }, e: { url: 'https://e' }, c: { url: 'https://c' } } }));
  const env = { PROXMOX_CONFIG_FILE: path, HOME: dir };
  it.each([
    [{ profile: 'f' }, { PVECLI_PROFILE: 'e' }, 'f', 'flag'],
    [{}, { PVECLI_PROFILE: 'e' }, 'e', 'environment'],
    [{}, {}, 'c', 'profile'],
  ] as const)('%o %o → %s', async (flags, extraEnv, name, source) => {
    const resolved = await resolveConnection(flags, { env: { ...env, ...extraEnv } });
    expect(resolved.settings.profile).toBe(name);
    expect(resolved.settings.url).toBe(`https://${name}`);
    expect(resolved.sources.profile).toBe(source);
  });

  it('unknown profile → exit 2 with the nearest names', async () => {
    await expect(resolveConnection({ profile: 'ff' }, { env })).rejects.toMatchObject({ exitCode: 2, message: "unknown profile 'ff' (from --profile)", hint: expect.stringMatching(/^did you mean 'f'/) });
  });

  it('no file and no URL → the built-in mock', async () => {
    const resolved = await resolveConnection({}, { env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'no-config-here') } });
    expect(resolved).toMatchObject({ kind: 'mock', settings: { profile: 'mock', url: '' } });
  });

  it('but never when the environment meant a real server, or a named config file is missing', async () => {
    const fresh = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'no-config-here') };
    await expect(resolveConnection({}, { env: { ...fresh, PROXMOX_API_URL: '' } })).rejects.toMatchObject({ exitCode: 2, message: 'PROXMOX_API_URL is empty' });
    await expect(resolveConnection({}, { env: { ...fresh, PROXMOX_API_TOKEN_ID: 'ci@pve!ci', PROXMOX_API_TOKEN_SECRET: 's' } })).rejects.toMatchObject({
      exitCode: 2,
      message: 'PROXMOX_API_TOKEN_ID, PROXMOX_API_TOKEN_SECRET are set but PROXMOX_API_URL is not',
    });
    await expect(resolveConnection({}, { env: { ...fresh, PROXMOX_CONFIG_FILE: join(dir, 'missing.yaml') } })).rejects.toMatchObject({
      exitCode: 2,
      message: `config file ${join(dir, 'missing.yaml')} (PROXMOX_CONFIG_FILE) does not exist`,
    });
    // Asked for by name, the mock is still there.
    expect(await resolveConnection({ profile: 'mock' }, { env: { ...fresh, PROXMOX_API_URL: '' } })).toMatchObject({ kind: 'mock' });
  });

  it('no file but PROXMOX_API_URL → remote from the environment alone', async () => {
    const resolved = await resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: join(dir, 'missing.yaml'), PROXMOX_API_URL: 'https://x:8006' } });
    expect(resolved).toMatchObject({ kind: 'remote', settings: { url: 'https://x:8006' } });
    expect(resolved.sources.url).toBe('environment');
  });

  it('--profile mock selects the mock even with a config file', async () => {
    const resolved = await resolveConnection({ profile: 'mock' }, { env });
    expect(resolved.kind).toBe('mock');
  });

  it('an unknown backend, port or host key policy is refused where it was written', async () => {
    await expect(resolveConnection({}, { env: { ...env, PROXMOX_API_BACKEND: 'telnet' } })).rejects.toMatchObject({ exitCode: 2, message: "PROXMOX_API_BACKEND: unknown backend 'telnet' (expected: https, ssh, local)" });
    await expect(resolveConnection({}, { env: { ...env, PROXMOX_API_BACKEND: 'ssh', PROXMOX_API_SSH_PORT: '70000' } })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('not a TCP port') });
    await expect(resolveConnection({}, { env: { ...env, PROXMOX_API_BACKEND: 'ssh', PROXMOX_API_SSH_STRICT_HOST_KEY_CHECKING: 'ask' } })).rejects.toMatchObject({ exitCode: 2 });
    // A host ssh would read as an option (-oProxyCommand=...) never reaches its command line.
    await expect(resolveConnection({}, { env: { ...env, PROXMOX_API_BACKEND: 'ssh', PROXMOX_API_SSH_HOST: '-oProxyCommand=touch /tmp/x' } })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('is not an ssh host') });
  });

  it('ssh and local backends carry no API credentials: given beside them they are refused, below them unused', async () => {
    const fresh = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'no-config-here') };
    const local = await resolveStrictly({}, { env: { ...fresh, PROXMOX_API_BACKEND: 'local' } });
    expect(local).toMatchObject({ kind: 'remote', settings: { backend: 'local', tokenId: undefined } });
    await expect(resolveStrictly({}, { env: { ...fresh, PROXMOX_API_BACKEND: 'ssh', PROXMOX_API_SSH_HOST: 'n', PROXMOX_API_TOKEN_ID: 'a@pve!t', PROXMOX_API_TOKEN_SECRET: 's' } }))
      .rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('PROXMOX_API_TOKEN_ID is not used by the ssh backend') });
    await expect(resolveStrictly({ otp: '123456' }, { env: { ...fresh, PROXMOX_API_BACKEND: 'local' } })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--otp is not used') });
    const tokenProfile = writeConfig({ url: 'https://pve1:8006', token_id: 'a@pve!t', token_secret: 'env:NOT_SET_ANYWHERE' });
    const ssh = await resolveStrictly({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: tokenProfile, PROXMOX_API_BACKEND: 'ssh' } });
    expect(ssh.settings).toMatchObject({ backend: 'ssh', sshHost: 'pve1', tokenId: undefined, tokenSecret: undefined });
    const both = writeConfig({ backend: 'ssh', ssh_host: 'pve1', username: 'root@pam' });
    await expect(resolveStrictly({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: both } })).rejects.toMatchObject({ message: expect.stringContaining("username of profile 'p' is not used") });
    await expect(resolveStrictly({}, { env: { ...fresh, PROXMOX_API_BACKEND: 'ssh' } })).rejects.toMatchObject({ exitCode: 2, message: 'the ssh backend has no node to log in to' });
    await expect(resolveStrictly({ profile: 'mock' }, { env: { ...fresh, PROXMOX_API_BACKEND: 'ssh' } })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('mock speaks https only') });
    await expect(resolveStrictly({}, { env: { ...fresh, PROXMOX_API_BACKEND: 'ssh', PROXMOX_API_SSH_HOST: 'pbs1', PROXMOX_API_SERVICE: 'pbs' } }))
      .rejects.toMatchObject({ exitCode: 2, message: 'the ssh backend runs pvesh, which only Proxmox VE has (service PBS)' });
  });

  it('bad numbers in the environment → exit 2', async () => {
    await expect(resolveConnection({}, { env: { ...env, PROXMOX_API_TIMEOUT: 'soon' } })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('an environment URL that would take a profile\'s secret elsewhere is refused, naming both; not when the secret comes from the environment', async () => {
    const path2 = join(dir, 'redirect.yaml');
    writeFileSync(
      path2,
      stringify({ current: 'c', profiles: { c: { url: 'https://c:8006', token_id: 'a@pve!t', token_secret: 'env:T' }, p: { url: 'https://p:8006', username: 'root@pam', password: 'env:T' } } }),
    );
    const warnings: string[] = [];
    const base = { HOME: dir, PROXMOX_CONFIG_FILE: path2, T: 'x', PROXMOX_API_URL: 'https://other:8006' };
    await expect(resolveConnection({}, { env: base, warn: (w) => warnings.push(w) })).rejects.toMatchObject({
      exitCode: 2,
      message: "PROXMOX_API_URL (https://other:8006) is not the url of profile 'c' (https://c:8006): the profile's token secret of a@pve!t would go to another host",
      hint: "set PROXMOX_API_TOKEN_ID and PROXMOX_API_TOKEN_SECRET for that host too, or unset PROXMOX_API_URL to use profile 'c'",
    });
    await expect(resolveConnection({ profile: 'p' }, { env: base })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("profile's password would go to another host") });
    // The secret from the environment goes where the environment says; the profile's own url is no redirect.
    await resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: path2, PROXMOX_API_URL: 'https://other:8006', PROXMOX_API_TOKEN_SECRET: 'y' }, warn: (w) => warnings.push(w) });
    await resolveConnection({}, { env: { ...base, PROXMOX_API_URL: 'https://c:8006' }, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });

  it('PROXMOX_API_HTTP_PROXY applies when no HTTPS proxy variable is set', async () => {
    const resolved = await resolveConnection({}, { env: { ...env, PROXMOX_API_HTTP_PROXY: 'http://p:1' } });
    expect(resolved.settings.proxy).toBe('http://p:1');
    const none = await resolveConnection({}, { env: { ...env, HTTPS_PROXY: 'http://general:1' } });
    expect(none.settings.proxy).toBeUndefined();
  });
});

describe('credentials are chosen as a whole', () => {
  const profileWith = (p: Record<string, unknown>) => ({
    HOME: dir,
    PROFILE_TOKEN: 'profile-secret',
    PROXMOX_CONFIG_FILE: writeConfig({ url: 'https://base:8006', ...p }),
  });
  const credentials = async (env: NodeJS.ProcessEnv) => {
    const { settings } = await resolveStrictly({}, { env, interactive: false, warn: () => {} });
    return { tokenId: settings.tokenId, tokenSecret: settings.tokenSecret, username: settings.username, password: settings.password };
  };

  it('a user in the environment replaces the profile\'s token', async () => {
    const env = { ...profileWith({ token_id: 'ci@pve!t', token_secret: 'env:PROFILE_TOKEN' }), PROXMOX_API_USERNAME: 'me@pam', PROXMOX_API_PASSWORD: 'env-pw' };
    expect(await credentials(env)).toEqual({ tokenId: undefined, tokenSecret: undefined, username: 'me@pam', password: 'env-pw' });
  });

  it('a token in the environment never takes the profile\'s secret', async () => {
    const env = { ...profileWith({ token_id: 'ci@pve!t', token_secret: 'env:PROFILE_TOKEN' }), PROXMOX_API_TOKEN_ID: 'other@pve!x' };
    await expect(resolveStrictly({}, { env, interactive: false })).rejects.toMatchObject({
      exitCode: 2,
      message: 'API token other@pve!x has no secret',
      hint: 'set PROXMOX_API_TOKEN_SECRET too',
    });
  });

  it('no identity at all is refused before anything is sent', async () => {
    await expect(resolveStrictly({}, { env: profileWith({}), interactive: false })).rejects.toMatchObject({
      exitCode: 2,
      message: 'no credentials for https://base:8006',
      hint: expect.stringMatching(/PROXMOX_API_TOKEN_ID.*pvecli profile set p token_id/),
    });
  });

  it('a user in the environment never takes the profile\'s password', async () => {
    const env = { ...profileWith({ username: 'root@pam', password: 'env:PROFILE_TOKEN' }), PROXMOX_API_USERNAME: 'me@pam' };
    expect(await credentials(env)).toMatchObject({ username: 'me@pam', password: undefined });
  });

  it('the environment may supply the secret of the profile\'s own identity', async () => {
    const env = { ...profileWith({ token_id: 'ci@pve!t' }), PROXMOX_API_TOKEN_SECRET: 'injected' };
    expect(await credentials(env)).toMatchObject({ tokenId: 'ci@pve!t', tokenSecret: 'injected' });
    const user = { ...profileWith({ username: 'root@pam' }), PROXMOX_API_PASSWORD: 'injected-pw' };
    expect(await credentials(user)).toMatchObject({ username: 'root@pam', password: 'injected-pw' });
  });
});

describe('--insecure and a pinned fingerprint', () => {
  const trust = async (flags: GlobalConnectionFlags, extraEnv: Record<string, string>, profile: Record<string, unknown>) => {
    const env = { HOME: dir, PROXMOX_CONFIG_FILE: writeConfig({ url: 'https://base:8006', ...profile }), ...extraEnv };
    const { settings } = await resolveConnection(flags, { env, interactive: false, warn: () => {} });
    return { verifyTls: settings.verifyTls, fingerprint: settings.fingerprint };
  };
  const FP = 'AB:'.repeat(31) + 'AB';

  it('--insecure on the command line overrides the profile\'s pin', async () => {
    expect(await trust({ insecure: true }, {}, { fingerprint: FP })).toEqual({ verifyTls: false, fingerprint: undefined });
    expect(await trust({}, { PROXMOX_API_VERIFY_SSL: 'false' }, { fingerprint: FP })).toEqual({ verifyTls: false, fingerprint: undefined });
  });
  it('a pin given at a higher level than insecure still decides', async () => {
    expect(await trust({ tlsFingerprint: FP }, {}, { insecure: true })).toEqual({ verifyTls: false, fingerprint: FP });
    expect(await trust({}, {}, { insecure: true, fingerprint: FP })).toEqual({ verifyTls: false, fingerprint: FP });
  });
});

describe('server URLs', () => {
  it('a bare host gets https:// and its product\'s port; a URL with a scheme keeps its port', () => {
    expect(normalizeUrl('pve1', undefined)).toBe('https://pve1:8006');
    expect(normalizeUrl('backup', undefined, 'PBS')).toBe('https://backup:8007');
    expect(normalizeUrl('dm.example', undefined, 'PDM')).toBe('https://dm.example:8443');
    expect(normalizeUrl('[::1]', undefined)).toBe('https://[::1]:8006');
    expect(normalizeUrl('pve1:443', undefined)).toBe('https://pve1:443');
    expect(normalizeUrl('https://pve.example/', undefined)).toBe('https://pve.example');
    expect(normalizeUrl('https://pve1:8006/api2/json/', undefined)).toBe('https://pve1:8006');
  });
  it('refuses what is not an http(s) URL', () => {
    expect(() => normalizeUrl('ftp://pve1', undefined)).toThrow(/only https/);
    expect(() => normalizeUrl('https://', undefined)).toThrow(/invalid server URL/);
  });
});

describe('token IDs', () => {
  it('must be USER@REALM!NAME; a pasted ID=SECRET is refused without echoing it', async () => {
    const pasted = 'root@pam!qa=0b6e3e8e-7f1c-4a5e-9d3e-1234567890ab';
    const env = { HOME: dir, PROXMOX_CONFIG_FILE: join(dir, 'none.yaml'), PROXMOX_API_URL: 'https://h:8006', PROXMOX_API_TOKEN_ID: pasted };
    const err = await resolveStrictly({}, { env, interactive: false }).catch((e: Error & { hint?: string }) => e);
    expect(err).toMatchObject({ exitCode: 2, message: 'PROXMOX_API_TOKEN_ID is not an API token ID (USER@REALM!NAME)' });
    expect(`${(err as Error).message} ${(err as { hint?: string }).hint}`).not.toContain('0b6e3e8e');
    for (const ok of ['root@pam!ci', 'automation@pve!ci-2', 'u@ldap.example!t']) expect(() => checkTokenId(ok, 'x')).not.toThrow();
    for (const bad of ['bad', 'root@pam', 'root!ci', 'root@pam!', 'a b@pve!c']) expect(() => checkTokenId(bad, 'x')).toThrow(/not an API token ID/);
  });
});

describe('the product follows the schema', () => {
  const fresh = () => ({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'no-config-here'), PROXMOX_API_URL: 'backup', PROXMOX_API_TOKEN_ID: 'ci@pbs!t', PROXMOX_API_TOKEN_SECRET: 's' });
  it('--schema pbs-4 or PVECLI_SCHEMA means a Backup Server unless the service is set', async () => {
    expect((await resolveStrictly({ schema: 'pbs-4' }, { env: fresh() })).settings).toMatchObject({ service: 'PBS', url: 'https://backup:8007' });
    expect((await resolveStrictly({}, { env: { ...fresh(), PVECLI_SCHEMA: 'pdm-1.1' } })).settings).toMatchObject({ service: 'PDM', url: 'https://backup:8443' });
    expect((await resolveStrictly({ schema: 'pbs-4' }, { env: { ...fresh(), PROXMOX_API_SERVICE: 'PVE' } })).settings.service).toBe('PVE');
  });
  it('Proxmox Mail Gateway has no API tokens: refused before sending', async () => {
    await expect(resolveStrictly({ schema: 'pmg-6.3' }, { env: fresh() })).rejects.toMatchObject({ exitCode: 2, message: 'Proxmox Mail Gateway has no API tokens' });
  });
});

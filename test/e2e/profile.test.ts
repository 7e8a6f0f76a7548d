import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isolatedEnv, ROOT, runCli, type RunResult } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/https-server';
import { hasPython, onTerminal } from '../helpers/terminal';

const TOKEN_SECRET = 'e2e-token-secret-5f1c2a9b';
const LITERAL_PASSWORD = 'hunter2-literal-pw';
const ENV_PASSWORD = 'env-password-77aa';
const PROXY_PASSWORD = 'proxy-pw-31d0';
const URL_PASSWORD = 'url-pw-9e4b';

/** Every secret this file uses; no command output may contain any of them. */
const SECRETS = [TOKEN_SECRET, LITERAL_PASSWORD, ENV_PASSWORD, PROXY_PASSWORD, URL_PASSWORD];
function expectNoSecrets(...results: RunResult[]): void {
  for (const r of results) for (const s of SECRETS) {
    expect(r.stdout, `stdout leaks a secret`).not.toContain(s);
    expect(r.stderr, `stderr leaks a secret`).not.toContain(s);
  }
}

const configOf = (env: NodeJS.ProcessEnv) => join(env.XDG_CONFIG_HOME!, 'pvecli', 'config.yaml');
const FP = 'AB:'.repeat(31) + 'AB';

describe('profile commands (no server)', () => {
  const env = isolatedEnv({ E2E_TOKEN: TOKEN_SECRET });
  const cli = (...args: string[]) => runCli(args, { env });

  it('add, list, show, use, set, rename, remove', async () => {
    const added = await cli('profile', 'add', 'prod', '--url', 'pve1.example:8006', '--token-id', 'ci@pve!cli', '--token-secret', 'env:E2E_TOKEN', '--fingerprint', FP);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('added profile prod (current)');
    const lab = await cli('profile', 'add', 'lab', '--url', 'https://lab:8006', '--username', 'root@pam', '--password', LITERAL_PASSWORD, '--insecure');
    expect(lab.code, lab.stderr).toBe(0);
    expect(lab.stderr).toMatch(/warning: the password of profile lab will be stored in clear in the config file, and as an argument it is visible to other users of this machine \(ps\)/);

    const path = configOf(env);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.XDG_CONFIG_HOME!, 'pvecli')).mode & 0o777).toBe(0o700);

    const list = await cli('profile', 'list', '-o', 'json');
    expect(JSON.parse(list.stdout)).toEqual([
      { current: false, name: 'lab', url: 'https://lab:8006', auth: 'password root@pam', tls: 'insecure' },
      { current: true, name: 'prod', url: 'https://pve1.example:8006', auth: 'token ci@pve!cli', tls: 'pinned' },
    ]);
    const listText = await cli('profile', 'list');
    // Piped, the text table has no borders (issue 16): the current profile's row starts with its mark.
    expect(listText.stdout).toMatch(/^\*\s+prod\s/m);
    expect(listText.stdout).toMatch(/^\s+lab\s/m);

    const show = await cli('profile', 'show', 'lab', '-o', 'json');
    expect(JSON.parse(show.stdout)).toEqual({ name: 'lab', current: false, url: 'https://lab:8006', username: 'root@pam', password: '****', insecure: true });
    const showProd = await cli('profile', 'show');
    expect(showProd.stdout).toContain('env:E2E_TOKEN');

    expect((await cli('profile', 'use', 'lab')).code).toBe(0);
    expect(parse(readFileSync(path, 'utf8')).current).toBe('lab');
    const set = await cli('profile', 'set', 'lab', 'timeout', '60');
    expect(set.code, set.stderr).toBe(0);
    const badSet = await cli('profile', 'set', 'lab', 'timeut', '60');
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toContain("did you mean timeout");
    expect((await cli('profile', 'rename', 'lab', 'homelab')).code).toBe(0);
    const after = parse(readFileSync(path, 'utf8'));
    expect(after.current).toBe('homelab');
    expect(after.profiles.homelab.timeout).toBe(60);
    const removed = await cli('profile', 'remove', 'homelab');
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain('it was the current profile');
    expect(Object.keys(parse(readFileSync(path, 'utf8')).profiles)).toEqual(['prod']);

    const unknown = await cli('profile', 'use', 'prd');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'prod'");
    expectNoSecrets(added, lab, list, listText, show, showProd, set, badSet, removed, unknown);
  });

  it('without a terminal, a missing value is exit 2 naming its flag', async () => {
    const e = isolatedEnv();
    const noUrl = await runCli(['profile', 'add', 'x'], { env: e });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('missing --url');
    const noSecret = await runCli(['profile', 'add', 'x', '--url', 'https://x', '--token-id', 'a@pve!b'], { env: e });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('missing --token-secret');
    expect(existsSync(configOf(e))).toBe(false);
  });

  it('a broken config file → exit 2 with file:line, and nothing is overwritten', async () => {
    const e = isolatedEnv();
    const path = join(e.HOME!, 'broken.yaml');
    const text = 'current: a\nprofiles:\n  a:\n    url: https://a\n    colour: blue\n';
    writeFileSync(path, text, { mode: 0o600 });
    e.PROXMOX_CONFIG_FILE = path;
    const add = await runCli(['profile', 'add', 'b', '--url', 'https://b', '--token-id', 'a@pve!b', '--token-secret', 'prompt'], { env: e });
    expect(add.code).toBe(2);
    expect(add.stderr).toContain(`${path}:5: unknown key 'colour' in profile 'a'`);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const get = await runCli(['get', '/version'], { env: e });
    expect(get.code).toBe(2);
    expect(get.stderr).toContain(`${path}:5:`);
  });

  it('profile env shows each setting with its source and redacts secrets', async () => {
    const e = isolatedEnv({ E2E_TOKEN: TOKEN_SECRET, PROXMOX_API_TIMEOUT: '7', PROXMOX_API_PASSWORD: ENV_PASSWORD });
    await runCli(['profile', 'add', 'p', '--url', 'https://p:8006', '--token-id', 'ci@pve!cli', '--token-secret', 'env:E2E_TOKEN', '--service', 'pbs'], { env: e });
    const out = await runCli(['profile', 'env', '-o', 'json', '--tls-fingerprint', FP], { env: e });
    expect(out.code, out.stderr).toBe(0);
    const rows = Object.fromEntries((JSON.parse(out.stdout) as Array<{ setting: string; value: string; source: string }>).map((r) => [r.setting, r]));
    expect(rows.url).toEqual({ setting: 'url', value: 'https://p:8006', source: 'profile', variable: 'PROXMOX_API_URL' });
    expect(rows.fingerprint).toMatchObject({ value: FP, source: 'flag' });
    expect(rows.timeout).toMatchObject({ value: '7', source: 'environment' });
    expect(rows.service).toMatchObject({ value: 'PBS', source: 'profile' });
    expect(rows.retries).toMatchObject({ value: '0', source: 'default' });
    expect(rows.tokenSecret).toMatchObject({ value: 'env:E2E_TOKEN', source: 'profile' });
    expect(rows.password).toMatchObject({ value: '****', source: 'environment' });
    const text = await runCli(['profile', 'env'], { env: e });
    expectNoSecrets(out, text);
  });

  it('passwords inside proxy and server URLs are masked everywhere they are shown', async () => {
    const e = isolatedEnv({ E2E_TOKEN: TOKEN_SECRET });
    const proxy = `http://squid:${PROXY_PASSWORD}@127.0.0.1:3128`;
    const add = await runCli(['profile', 'add', 'px', '--url', 'https://px:8006', '--token-id', 'ci@pve!cli', '--token-secret', 'env:E2E_TOKEN', '--proxy', proxy], { env: e });
    expect(add.code, add.stderr).toBe(0);
    const show = await runCli(['profile', 'show', 'px', '-o', 'json'], { env: e });
    expect(JSON.parse(show.stdout).proxy).toBe('http://squid:****@127.0.0.1:3128');
    const envRows = await runCli(['profile', 'env', '-o', 'json'], { env: e });
    expect(envRows.code, envRows.stderr).toBe(0);
    // The credentials come from the environment with the URL: the current profile's own secret would be refused
    // on its way to another host (issue 16).
    const urlEnv = { ...e, PROXMOX_API_URL: `https://root:${URL_PASSWORD}@pve.example:8006`, PVECLI_PROFILE: '', PROXMOX_API_TOKEN_ID: 'ci@pve!env', PROXMOX_API_TOKEN_SECRET: 'env-secret' };
    const dry = await runCli(['get', '/version', '--dry-run'], { env: urlEnv });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('root:****@pve.example');
    const list = await runCli(['profile', 'list'], { env: e });
    const badProxy = await runCli(['get', '/version', '--dry-run'], { env: { ...e, PROXMOX_API_HTTPS_PROXY: `ftp://u:${PROXY_PASSWORD}@x` } });
    expectNoSecrets(add, show, envRows, dry, list, badProxy);
  });

  it('profile set checks the whole profile: it cannot build what profile add refuses', async () => {
    const e = isolatedEnv({ E2E_TOKEN: TOKEN_SECRET });
    await runCli(['profile', 'add', 't', '--url', 'https://t:8006', '--token-id', 'ci@pve!cli', '--token-secret', 'env:E2E_TOKEN', '--fingerprint', FP], { env: e });
    const before = readFileSync(configOf(e), 'utf8');
    const user = await runCli(['profile', 'set', 't', 'username', 'root@pam'], { env: e });
    expect(user.code).toBe(2);
    expect(user.stderr).toMatch(/choose one of token_id \(API token\) and username/);
    const insecure = await runCli(['profile', 'set', 't', 'insecure', 'true'], { env: e });
    expect(insecure.code).toBe(2);
    expect(readFileSync(configOf(e), 'utf8')).toBe(before);
    // Clearing the pin first makes room for the other choice.
    expect((await runCli(['profile', 'set', 't', 'fingerprint', ''], { env: e })).code).toBe(0);
    expect((await runCli(['profile', 'set', 't', 'insecure', 'true'], { env: e })).code).toBe(0);
  });

  it('--service takes any case, like PROXMOX_API_SERVICE', async () => {
    const e = isolatedEnv({ E2E_TOKEN: TOKEN_SECRET });
    const add = await runCli(['profile', 'add', 'b', '--url', 'backup', '--service', 'PBS', '--token-id', 'ci@pbs!cli', '--token-secret', 'env:E2E_TOKEN'], { env: e });
    expect(add.code, add.stderr).toBe(0);
    const show = await runCli(['profile', 'show', 'b', '-o', 'json'], { env: e });
    expect(JSON.parse(show.stdout)).toMatchObject({ service: 'pbs', url: 'https://backup:8007' });
  });

  it('two processes adding profiles at the same time both keep theirs', async () => {
    const e = isolatedEnv();
    const adds = [];
    for (let i = 0; i < 4; i++) {
      adds.push(runCli(['profile', 'add', `p${i}`, '--url', `https://h${i}:8006`, '--token-id', 'a@pve!t', '--token-secret', 'env:X'], { env: e }));
    }
    const results = await Promise.all(adds);
    expect(results.map((r) => r.code), results.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0, 0]);
    expect(Object.keys(parse(readFileSync(configOf(e), 'utf8')).profiles).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
  });
});

describe('profiles against HTTPS servers', () => {
  let one: TestServer;
  let two: TestServer;
  const VERSION = (v: string) => Array.from({ length: 20 }, () => ({ data: { version: v, release: v, repoid: 'e2e' } }));
  beforeAll(async () => {
    one = await startTestServer({ tokens: { 'root@pam!ci': TOKEN_SECRET }, users: { 'ops@pve': ENV_PASSWORD } });
    two = await startTestServer({ tokens: { 'root@pam!ci': TOKEN_SECRET } });
    one.script('GET', '/version', VERSION('9.2.1'));
    two.script('GET', '/version', VERSION('9.1.7'));
    one.script('GET', '/access/permissions', [{ data: { '/': { 'Sys.Audit': 1, 'VM.Audit': 1 }, '/vms/100': { 'VM.PowerMgmt': 1 } } }]);
  });
  afterAll(async () => {
    await Promise.all([one?.close?.(), two?.close?.()]);
  });

  it('profile add with --token-secret env:… and a pinned fingerprint, then get /version and profile verify', async () => {
    const env = isolatedEnv({ SRV_SECRET: TOKEN_SECRET });
    const add = await runCli(['profile', 'add', 'one', '--url', one.url, '--token-id', 'root@pam!ci', '--token-secret', 'env:SRV_SECRET', '--fingerprint', one.cert.fingerprint], { env });
    expect(add.code, add.stderr).toBe(0);
    const get = await runCli(['get', '/version', '-o', 'json'], { env });
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ version: '9.2.1' });
    const verify = await runCli(['profile', 'verify', '-o', 'json'], { env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      profile: 'one', url: one.url, identity: 'root@pam!ci', auth: 'token', permission_paths: 2, root_privileges: ['Sys.Audit', 'VM.Audit'], privileges: ['Sys.Audit', 'VM.Audit', 'VM.PowerMgmt'],
    });
    const traced = await runCli(['get', '/version', '--trace'], { env });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stderr).toContain('/version');
    const missing = await runCli(['get', '/version'], { env: { ...env, SRV_SECRET: '' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('env:SRV_SECRET, which is not set');
    // A wrong pin must refuse the server.
    await runCli(['profile', 'set', 'one', 'fingerprint', two.cert.fingerprint], { env });
    const wrongPin = await runCli(['get', '/version'], { env });
    expect(wrongPin.code).toBe(3);
    expectNoSecrets(add, get, verify, traced, missing, wrongPin);
  });

  it('password login through a file: reference, verified and traced without leaking it', async () => {
    const env = isolatedEnv();
    const secretFile = join(env.HOME!, 'pw');
    writeFileSync(secretFile, `${ENV_PASSWORD}\n`, { mode: 0o600 });
    const add = await runCli(['profile', 'add', 'ops', '--url', one.url, '--username', 'ops@pve', '--password', `file:${secretFile}`, '--fingerprint', one.cert.fingerprint], { env });
    expect(add.code, add.stderr).toBe(0);
    one.script('GET', '/access/permissions', [{ data: { '/vms': { 'VM.Audit': 1 } } }]);
    const verify = await runCli(['profile', 'verify', 'ops', '-o', 'json', '--trace'], { env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ identity: 'ops@pve', auth: 'password', permission_paths: 1, root_privileges: [], privileges: ['VM.Audit'] });
    const show = await runCli(['profile', 'show', 'ops'], { env });
    const envOut = await runCli(['profile', 'env', '-p', 'ops'], { env });
    expect(envOut.stdout).toContain(`file:${secretFile}`);
    expectNoSecrets(add, verify, show, envOut);
    // The login ticket is cached per profile, and removing the profile drops it.
    const ticket = join(env.XDG_CACHE_HOME!, 'pvecli', 'ticket-ops.json');
    expect(existsSync(ticket)).toBe(true);
    expect((await runCli(['profile', 'remove', 'ops'], { env })).code).toBe(0);
    expect(existsSync(ticket)).toBe(false);
  });

  it.skipIf(!hasPython)('password: prompt asks on a terminal, masked, and logs in', async () => {
    const env = isolatedEnv();
    const add = await runCli(['profile', 'add', 'tty', '--url', one.url, '--username', 'ops@pve', '--password', 'prompt', '--fingerprint', one.cert.fingerprint], { env });
    expect(add.code, add.stderr).toBe(0);
    const out = await onTerminal(['get', '/version', '-o', 'json'], env, [['Password for ops@pve (profile tty)', ENV_PASSWORD]]);
    expect(out).toContain('"version":"9.2.1"');
    expect(out).not.toContain(ENV_PASSWORD);
    expect(out).toContain('*'.repeat(ENV_PASSWORD.length));
  });

  it.skipIf(!hasPython)('profile add on a terminal asks for what is missing and pins the certificate it shows', async () => {
    const env = isolatedEnv({ PVECLI_HOME_TOKEN_SECRET: TOKEN_SECRET });
    const out = await onTerminal(['profile', 'add', 'home', '--url', one.url], env, [
      ['Log in with', ''], // first choice: an API token
      ['Token ID', 'root@pam!ci'],
      ['Where does the token secret come from?', ''], // first choice: env:NAME
      ['Variable name', ''], // the suggested PVECLI_HOME_TOKEN_SECRET
      ['Pin this fingerprint', ''], // default yes: the certificate is self-signed
    ]);
    expect(out).toContain(one.cert.fingerprint);
    expect(out).toContain('added profile home (current)');
    expect(parse(readFileSync(configOf(env), 'utf8')).profiles.home).toEqual({
      url: one.url, token_id: 'root@pam!ci', token_secret: 'env:PVECLI_HOME_TOKEN_SECRET', fingerprint: one.cert.fingerprint,
    });
    const get = await runCli(['get', '/version', '-o', 'json'], { env });
    expect(get.code, get.stderr).toBe(0);
    expect(out).not.toContain(TOKEN_SECRET);
  });

  it('profile use switches between two servers on two ports', async () => {
    const env = isolatedEnv({ SRV_SECRET: TOKEN_SECRET });
    for (const [name, server] of [['one', one], ['two', two]] as const) {
      const add = await runCli(['profile', 'add', name, '--url', server.url, '--token-id', 'root@pam!ci', '--token-secret', 'env:SRV_SECRET', '--fingerprint', server.cert.fingerprint], { env });
      expect(add.code, add.stderr).toBe(0);
    }
    const version = async () => JSON.parse((await runCli(['get', '/version', '-o', 'json'], { env })).stdout).version;
    expect(await version()).toBe('9.2.1'); // the first profile added is current
    expect((await runCli(['profile', 'use', 'two'], { env })).code).toBe(0);
    expect(await version()).toBe('9.1.7');
    expect((await runCli(['profile', 'use', 'one'], { env })).code).toBe(0);
    expect(await version()).toBe('9.2.1');
    const viaFlag = await runCli(['get', '/version', '-o', 'json', '-p', 'two'], { env });
    expect(JSON.parse(viaFlag.stdout).version).toBe('9.1.7');
  });
});

// The mock server of src/mock, twice, each with its own state, certificate and token.
const mockModule = join(ROOT, 'dist/src/mock/index.js');
const mockReady = existsSync(mockModule) && typeof (require(mockModule) as Record<string, unknown>).startMockServer === 'function';
describe.skipIf(!mockReady)('profiles against mock servers', () => {
  type Mock = { url: string; fingerprint?: string; close(): Promise<void> };
  const MOCK_SECRETS = ['mock-secret-0-3c1d4e', 'mock-secret-1-9a8b7c'];
  let mocks: Mock[] = [];
  beforeAll(async () => {
    const { startMockServer } = require(mockModule) as { startMockServer: (opts: Record<string, unknown>) => Promise<Mock> };
    const home = isolatedEnv().HOME!;
    mocks = await Promise.all(MOCK_SECRETS.map((secret, i) => startMockServer({
      port: 0, stateFile: join(home, `mock${i}`, 'state.json'), certDir: join(home, `mock${i}`), tokens: [`root@pam!e2e=${secret}`], taskDuration: 50,
    })));
  });
  afterAll(async () => {
    await Promise.all(mocks.map((m) => m.close()));
  });

  it('profile add with env: secret and pinned fingerprint, get /version; profile use switches ports', async () => {
    const env = isolatedEnv();
    expect(mocks[0].fingerprint).not.toBe(mocks[1].fingerprint);
    for (const [i, mock] of mocks.entries()) {
      env[`MOCK_SECRET_${i}`] = MOCK_SECRETS[i];
      const add = await runCli(['profile', 'add', `m${i}`, '--url', mock.url, '--token-id', 'root@pam!e2e', '--token-secret', `env:MOCK_SECRET_${i}`, '--fingerprint', mock.fingerprint!], { env });
      expect(add.code, add.stderr).toBe(0);
    }
    const urlOf = async () => JSON.parse((await runCli(['profile', 'env', '-o', 'json'], { env })).stdout).find((r: { setting: string }) => r.setting === 'url').value;
    // Each profile pins its own server's certificate, so a successful GET proves which server answered.
    const get = await runCli(['get', '/version', '-o', 'json'], { env });
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toHaveProperty('version');
    expect(await urlOf()).toBe(mocks[0].url);
    expect((await runCli(['profile', 'use', 'm1'], { env })).code).toBe(0);
    const get1 = await runCli(['get', '/version', '-o', 'json', '--trace'], { env });
    expect(get1.code, get1.stderr).toBe(0);
    expect(get1.stderr).toContain(mocks[1].url.replace('https://', ''));
    expect(await urlOf()).toBe(mocks[1].url);
    const verify = await runCli(['profile', 'verify', '-o', 'json'], { env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ profile: 'm1', identity: 'root@pam!e2e', auth: 'token' });
    // m1's secret on m0's server is refused (exit 4), proving the two are distinct.
    const wrong = await runCli(['get', '/version', '-p', 'm0'], { env: { ...env, MOCK_SECRET_0: MOCK_SECRETS[1] } });
    expect(wrong.code).toBe(4);
    for (const r of [get, get1, verify, wrong]) for (const secret of MOCK_SECRETS) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cacheDir, ConfigFile, configFilePath, resolveConnection, saveProfileFingerprint, stateDir, updateConfigFile, writeFileAtomic,
} from '../../src/config/index';
import { addProfile, removeProfile, renameProfile, setProfileValue, useProfile } from '../../src/config/profiles';
import { describeSecret, parseSecretRef } from '../../src/config/secrets';

const dir = mkdtempSync(join(tmpdir(), 'pvecli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string, name = `c${n++}.yaml`, mode = 0o600) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
};

describe('paths', () => {
  it('follow PROXMOX_CONFIG_FILE and the XDG variables', () => {
    expect(configFilePath({ HOME: dir, PROXMOX_CONFIG_FILE: '/etc/x.json', XDG_CONFIG_HOME: '/c' })).toBe('/etc/x.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/c', HOME: '/h' })).toBe('/c/pvecli/config.yaml');
    expect(configFilePath({ HOME: '/h' })).toBe('/h/.config/pvecli/config.yaml');
    expect(stateDir({ XDG_STATE_HOME: '/s' })).toBe('/s/pvecli');
    expect(stateDir({ HOME: '/h' })).toBe('/h/.local/state/pvecli');
    expect(cacheDir({ XDG_CACHE_HOME: '/k' })).toBe('/k/pvecli');
    expect(cacheDir({ HOME: '/h', XDG_CACHE_HOME: 'relative' })).toBe('/h/.cache/pvecli');
  });
});

describe('reading', () => {
  it('invalid YAML → exit 2 with file:line, and an edit leaves the file as it was', async () => {
    const text = 'current: a\nprofiles:\n  a:\n    url: [unclosed\n';
    const path = file(text);
    expect(() => ConfigFile.read(path)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(new RegExp(`^${path}:\\d+: not valid YAML`)) }));
    await expect(updateConfigFile(path, (c) => c.setCurrent('b'))).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('unknown keys → exit 2 naming the line', () => {
    const path = file('current: a\nprofiles:\n  a:\n    url: https://a\n    tokn_id: x\n');
    expect(() => ConfigFile.read(path)).toThrow(`${path}:5: unknown key 'tokn_id' in profile 'a'`);
    const top = file('curent: a\n');
    expect(() => ConfigFile.read(top)).toThrow(`${top}:1: unknown key 'curent'`);
  });

  it('wrong value types → exit 2 naming the line', () => {
    const path = file('profiles:\n  a:\n    url: https://a\n    timeout: soon\n');
    expect(() => ConfigFile.read(path)).toThrow(`${path}:4: profile 'a': timeout must be a non-negative number`);
    const dup = file('profiles:\n  a:\n    url: https://a\n    url: https://b\n');
    expect(() => ConfigFile.read(dup)).toThrow(/:4: not valid YAML or JSON: Map keys must be unique/);
  });

  it('accepts JSON and writes JSON back', async () => {
    const path = file(JSON.stringify({ current: 'a', profiles: { a: { url: 'https://a', timeout: 5 } } }), 'c.json');
    expect(ConfigFile.read(path).profile('a')).toEqual({ url: 'https://a', timeout: 5 });
    await updateConfigFile(path, (c) => c.setProfile('b', { url: 'https://b' }));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ current: 'a', profiles: { a: { url: 'https://a', timeout: 5 }, b: { url: 'https://b' } } });
  });

  it('an empty file is an empty config', () => {
    expect(ConfigFile.read(file('')).profileNames()).toEqual([]);
    expect(ConfigFile.read(file('# only a comment\n')).current).toBeUndefined();
  });
});

describe('editing keeps comments and key order', () => {
  const original = [
    '# header comment',
    'profiles:',
    '  # about prod',
    '  prod:',
    '    url: https://prod:8006 # the main cluster',
    '    token_id: ci@pve!cli',
    '    token_secret: env:PROD_SECRET',
    '  lab:',
    '    url: https://lab:8006',
    'current: prod',
    '',
  ].join('\n');

  it('set, add, rename, remove', async () => {
    const path = file(original);
    await updateConfigFile(path, (c) => {
      c.setProfile('prod', { timeout: 60, url: 'https://prod2:8006' });
      c.setProfile('new', { url: 'https://new', insecure: true });
      c.renameProfile('lab', 'test');
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toBe([
      '# header comment',
      'profiles:',
      '  # about prod',
      '  prod:',
      '    url: https://prod2:8006 # the main cluster',
      '    token_id: ci@pve!cli',
      '    token_secret: env:PROD_SECRET',
      '    timeout: 60',
      '  test:',
      '    url: https://lab:8006',
      '  new:',
      '    url: https://new',
      '    insecure: true',
      'current: prod',
      '',
    ].join('\n'));
    await updateConfigFile(path, (c) => {
      c.renameProfile('prod', 'production');
      c.removeProfile('test');
    });
    const after = ConfigFile.read(path);
    expect(after.current).toBe('production');
    expect(after.profileNames()).toEqual(['production', 'new']);
    expect(readFileSync(path, 'utf8')).toContain('  # about prod\n  production:\n');
  });

  it('a new file is 0600 in a 0700 directory, current first', async () => {
    const path = join(dir, 'fresh', 'sub', 'config.yaml');
    await updateConfigFile(path, (c) => {
      c.setProfile('a', { url: 'https://a' });
      c.setCurrent('a');
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'fresh', 'sub')).mode & 0o777).toBe(0o700);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^# pvecli configuration/);
    expect(text.indexOf('current: a')).toBeLessThan(text.indexOf('profiles:'));
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('saveProfileFingerprint pins into the profile, keeping the rest', async () => {
    const path = file(original);
    await saveProfileFingerprint('lab', 'AB:CD', { HOME: dir, PROXMOX_CONFIG_FILE: path });
    expect(ConfigFile.read(path).profile('lab')).toEqual({ url: 'https://lab:8006', fingerprint: 'AB:CD' });
    expect(readFileSync(path, 'utf8')).toContain('# the main cluster');
    await expect(saveProfileFingerprint('nope', 'AB', { HOME: dir, PROXMOX_CONFIG_FILE: path })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('writeFileAtomic replaces content and honours the mode', () => {
    const path = join(dir, 'atomic', 'state.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, Buffer.from('two'), 0o640);
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});

describe("the file's leading comment and each profile's own comment", () => {
  const env = (path: string) => ({ HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), PROXMOX_CONFIG_FILE: path });
  const lines = (...l: string[]) => [...l, ''].join('\n');
  const original = lines(
    '# my comment at top',
    'current: a',
    'profiles:',
    '  # profile a is important',
    '  a:',
    '    url: https://a:8006',
    '  # lab machines',
    '',
    '  # about b',
    '  b:',
    '    url: https://b:8006',
    '  # about c',
    '  c:',
    '    url: https://c:8006',
  );
  const edited = async (edit: (e: NodeJS.ProcessEnv) => Promise<unknown>, text = original) => {
    const path = file(text);
    await edit(env(path));
    return readFileSync(path, 'utf8');
  };

  it('remove: the top comment stays on top when `current` goes; the first profile takes its comment along', async () => {
    const removedA = await edited((e) => removeProfile('a', e));
    expect(removedA).toBe(original.replace('current: a\n', '').replace('  # profile a is important\n  a:\n    url: https://a:8006\n', ''));
    expect(removedA).toMatch(/^# my comment at top\nprofiles:\n {2}# lab machines\n\n/);
    const only = lines('# my comment at top', 'current: a', 'profiles:', '  # profile a is important', '  a:', '    url: https://a:8006');
    expect(await edited((e) => removeProfile('a', e), only)).toBe(lines('# my comment at top', 'profiles: {}'));
  });

  it('remove: a later profile takes the lines directly above it; lines set off by a blank line stay', async () => {
    expect(await edited((e) => removeProfile('b', e))).toBe(original.replace('  # about b\n  b:\n    url: https://b:8006\n', ''));
    expect(await edited((e) => removeProfile('c', e))).toBe(original.replace('  # about c\n  c:\n    url: https://c:8006\n', ''));
    const last = lines('profiles:', '  a:', '    url: https://a:8006', '  # old ones', '', '  # about b', '  b:', '    url: https://b:8006');
    expect(await edited((e) => removeProfile('b', e), last)).toBe(lines('profiles:', '  a:', '    url: https://a:8006', '  # old ones'));
    const first = lines('profiles:', '  # all of them', '', '  a:', '    url: https://a:8006', '  b:', '    url: https://b:8006');
    expect(await edited((e) => removeProfile('a', e), first)).toBe(lines('profiles:', '  # all of them', '', '  b:', '    url: https://b:8006'));
  });

  it('remove: the top comment goes above the next key, apart from that key’s own comment', async () => {
    const text = lines('# top', 'current: a', '# about profiles', 'profiles:', '  a:', '    url: https://a:8006', '  b:', '    url: https://b:8006');
    expect(await edited((e) => removeProfile('a', e), text)).toBe(lines('# top', '', '# about profiles', 'profiles:', '  b:', '    url: https://b:8006'));
  });

  it('rename, set, and use of another profile change nothing but the value', async () => {
    expect(await edited((e) => renameProfile('a', 'z', e))).toBe(original.replace('current: a', 'current: z').replace('  a:', '  z:'));
    expect(await edited((e) => setProfileValue('a', 'timeout', '5', e))).toBe(original.replace('a:8006\n', 'a:8006\n    timeout: 5\n'));
    expect(await edited((e) => setProfileValue('a', 'url', 'https://a2:8006', e))).toBe(original.replace('https://a:8006', 'https://a2:8006'));
    const withTimeout = original.replace('a:8006\n', 'a:8006\n    timeout: 5\n');
    expect(await edited((e) => setProfileValue('a', 'timeout', '', e), withTimeout)).toBe(original);
    expect(await edited((e) => useProfile('b', e))).toBe(original.replace('current: a', 'current: b'));
  });

  it('use and add: a new `current` goes first, below the top comment', async () => {
    const noCurrent = lines('# top', 'profiles:', '  # about a', '  a:', '    url: https://a:8006');
    expect(await edited((e) => useProfile('a', e), noCurrent)).toBe(lines('# top', 'current: a', 'profiles:', '  # about a', '  a:', '    url: https://a:8006'));
    expect(await edited((e) => addProfile('b', { url: 'https://b:8006', token_id: 'x@pve!t', token_secret: 'env:X' }, {}, e), noCurrent)).toBe(lines(
      '# top',
      'current: b',
      'profiles:',
      '  # about a',
      '  a:',
      '    url: https://a:8006',
      '  b:',
      '    url: https://b:8006',
      '    token_id: x@pve!t',
      '    token_secret: env:X',
    ));
  });

  it('add --force of the current profile: the top comment stays, the replaced profile’s own comment goes', async () => {
    const text = await edited((e) => addProfile('a', { url: 'https://a2:8006', token_id: 'x@pve!t', token_secret: 'env:X' }, { force: true }, e));
    expect(text.startsWith('# my comment at top\ncurrent: a\nprofiles:\n  # lab machines\n')).toBe(true);
    expect(text).not.toContain('profile a is important');
    expect(ConfigFile.parse('x.yaml', text).profile('a')?.url).toBe('https://a2:8006');
  });

  it('a file that is only a comment keeps it above what an edit adds', async () => {
    const text = await edited((e) => addProfile('a', { url: 'https://a:8006', token_id: 'x@pve!t', token_secret: 'env:X' }, {}, e), '# only a comment\n');
    expect(text).toMatch(/^# only a comment\n\ncurrent: a\nprofiles:\n {2}a:\n/);
  });
});

describe('secrets', () => {
  it('references are parsed and described without revealing literals', () => {
    expect(parseSecretRef('env:X_1')).toEqual({ kind: 'env', name: 'X_1' });
    expect(parseSecretRef('file:~/s')).toEqual({ kind: 'file', path: '~/s' });
    expect(parseSecretRef('prompt')).toEqual({ kind: 'prompt' });
    expect(parseSecretRef('abc-123')).toEqual({ kind: 'literal', value: 'abc-123' });
    expect(describeSecret('env:X')).toBe('env:X');
    expect(describeSecret('s3cr3t')).toBe('****');
  });

  const profileWith = (secret: string, mode = 0o600) =>
    file(`current: a\nprofiles:\n  a:\n    url: https://a\n    username: u@pam\n    password: ${JSON.stringify(secret)}\n`, `s${n++}.yaml`, mode);

  it('env:, file: (relative to the config file, trailing newline dropped)', async () => {
    const env = { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('env:MY_PW'), MY_PW: 'from-env' };
    expect((await resolveConnection({}, { env })).settings.password).toBe('from-env');
    writeFileSync(join(dir, 'pw.txt'), 'from-file\n');
    const env2 = { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('file:pw.txt') };
    expect((await resolveConnection({}, { env: env2 })).settings.password).toBe('from-file');
  });

  it('missing env: variable or unreadable file: → exit 2 without the secret in the message', async () => {
    await expect(resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('env:NOT_SET_X') } }))
      .rejects.toMatchObject({ exitCode: 2, message: "password of profile 'a' refers to env:NOT_SET_X, which is not set" });
    await expect(resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('file:/nonexistent/pw') } }))
      .rejects.toMatchObject({ exitCode: 2 });
  });

  it('prompt without a terminal → exit 2; an unused prompt is not asked for', async () => {
    // The question waits for a login that needs it (a cached ticket needs none); then, with no terminal, exit 2.
    const later = await resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('prompt') }, interactive: false });
    expect(later.settings.password).toBeUndefined();
    await expect(later.settings.passwordPrompt!())
      .rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("'prompt' but there is no terminal") });
    // A token in use means the password is never dereferenced.
    const resolved = await resolveConnection({}, {
      env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('prompt'), PROXMOX_API_TOKEN_ID: 'u@pam!t', PROXMOX_API_TOKEN_SECRET: 't' }, interactive: false,
    });
    expect(resolved.settings.password).toBeUndefined();
    expect(resolved.settings.tokenSecret).toBe('t');
  });

  it('a literal works with a warning; a group-readable file with a literal draws another', async () => {
    const warnings: string[] = [];
    const resolved = await resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('hunter2') }, warn: (w) => warnings.push(w) });
    expect(resolved.settings.password).toBe('hunter2');
    expect(warnings).toEqual([expect.stringContaining('in clear')]);
    warnings.length = 0;
    await resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('hunter2', 0o644) }, warn: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/readable by others \(mode 0644\)/);
    expect(warnings.join('\n')).not.toContain('hunter2');
    warnings.length = 0;
    await resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: profileWith('env:X', 0o644), X: 'y' }, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });
});

describe('startup cost', () => {
  const dist = resolve(__dirname, '../../dist/src/config/index.js');
  const probe = (env: NodeJS.ProcessEnv) => {
    const script = `require(${JSON.stringify(dist)}).resolveConnection({}, { requireCredentials: false }).then((r) => {
      const loaded = Object.keys(require.cache).some((k) => k.includes('/node_modules/yaml/'));
      process.stdout.write(JSON.stringify({ url: r.settings.url, loaded }));
    })`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env } }).toString());
  };

  it.skipIf(!existsSync(dist))('an env-only run never loads the yaml parser', () => {
    expect(probe({ HOME: dir, PROXMOX_CONFIG_FILE: join(dir, 'absent.yaml'), PROXMOX_API_URL: 'https://x:8006' })).toEqual({ url: 'https://x:8006', loaded: false });
  });

  it.skipIf(!existsSync(dist))('an unchanged config file is read from the snapshot cache, without the yaml parser', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const path = file('current: a\nprofiles:\n  a:\n    url: https://aaa\n');
    const past = new Date(Date.now() - 60_000);
    utimesSync(path, past, past);
    const env = { HOME: home, PROXMOX_CONFIG_FILE: path };
    expect(probe(env)).toEqual({ url: 'https://aaa', loaded: true });
    expect(statSync(join(home, '.cache/pvecli/config-snapshot.json')).mode & 0o777).toBe(0o600);
    expect(probe(env)).toEqual({ url: 'https://aaa', loaded: false });
    // Same size, new content, an older mtime: the identity changed, so the file is parsed again.
    writeFileSync(path, 'current: a\nprofiles:\n  a:\n    url: https://bbb\n');
    const older = new Date(Date.now() - 120_000);
    utimesSync(path, older, older);
    expect(probe(env)).toEqual({ url: 'https://bbb', loaded: true });
    // A file just written is not cached (its mtime tick may not be over), so an edit right after is still seen.
    writeFileSync(path, 'current: a\nprofiles:\n  a:\n    url: https://ccc\n');
    expect(probe(env)).toEqual({ url: 'https://ccc', loaded: true });
    writeFileSync(path, 'current: a\nprofiles:\n  a:\n    url: https://ddd\n');
    expect(probe(env)).toEqual({ url: 'https://ddd', loaded: true });
  });
});

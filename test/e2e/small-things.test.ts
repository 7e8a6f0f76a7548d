import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT, runCli } from '../helpers/cli';

// Issue 16 item 10: the rest of the small things.

describe('PROXMOX_API_URL with a profile that holds a secret', () => {
  function configured() {
    const env = isolatedEnv({ T: 'secret-from-the-profile' });
    const dir = join(String(env.XDG_CONFIG_HOME), 'pvecli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), "current: prod\nprofiles:\n  prod:\n    url: https://pve1.example:8006\n    token_id: 'ci@pve!cli'\n    token_secret: env:T\n", { mode: 0o600 });
    return env;
  }

  it('is refused before anything is sent, naming both hosts and the way out', async () => {
    const r = await runCli(['get', '/version', '--request-timeout', '2'], { env: { ...configured(), PROXMOX_API_URL: 'https://elsewhere.example:8006' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "pvecli: PROXMOX_API_URL (https://elsewhere.example:8006) is not the url of profile 'prod' (https://pve1.example:8006): the profile's token secret of ci@pve!cli would go to another host",
    );
    expect(r.stderr).toContain("hint: set PROXMOX_API_TOKEN_ID and PROXMOX_API_TOKEN_SECRET for that host too, or unset PROXMOX_API_URL to use profile 'prod'");
    expect(r.stderr).not.toContain('secret-from-the-profile');
  });

  it('goes ahead (to the connection) when the secret also comes from the environment', async () => {
    const r = await runCli(['get', '/version', '--request-timeout', '2'], {
      env: { ...configured(), PROXMOX_API_URL: 'https://127.0.0.1:9', PROXMOX_API_TOKEN_ID: 'ci@pve!env', PROXMOX_API_TOKEN_SECRET: 'from-env' },
    });
    expect(r.stderr).not.toContain('would go to another host');
    expect(r.code).toBe(3);
  });
});

describe('mock serve --state with a file that is not a mock state', () => {
  it('/etc/passwd: refused with no hint to remove it', async () => {
    const r = await runCli(['mock', 'serve', '--port', '0', '--state', '/etc/passwd'], { env: isolatedEnv(), timeoutMs: 15_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pvecli: mock state file /etc/passwd: not valid JSON');
    expect(r.stderr).not.toMatch(/remove/);
    expect(r.stderr).toContain('hint: --state takes a file that pvecli mock serve wrote, or a new path');
  });

  it('a damaged mock state: fix it or remove it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pvecli-state-')), 'state.json');
    writeFileSync(file, JSON.stringify({ version: 1, secret: 's', clusterName: 'c', nodes: ['pve'], guests: {}, storages: {}, pools: {}, users: {}, groups: {}, acl: {}, tasks: [], nextPid: 1 }));
    const r = await runCli(['mock', 'serve', '--port', '0', '--state', file], { env: isolatedEnv(), timeoutMs: 15_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a damaged mock state ('acl' should be a list)");
    expect(r.stderr).toContain('hint: fix the file, or remove it to start from the demo cluster');
  });
});

describe('the build without schema data', () => {
  it('says so in one line with the fix, not an object dump', () => {
    // A clone of the sources with no ../shared beside it, as on a machine outside this workspace.
    const copy = join(mkdtempSync(join(tmpdir(), 'pvecli-clone-')), 'pvecli');
    mkdirSync(copy);
    for (const part of ['src', 'commands', 'scripts', 'schema/overlays', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const env = { ...process.env, PVECLI_SCHEMA_SOURCE: '', PVECLI_SCHEMA_DIR: '' };
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--no-manifest'], { cwd: copy, env, encoding: 'utf8', timeout: 50_000 });
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pvecli build: no Proxmox API schema data found; looked in: .*; fix: set PVECLI_SCHEMA_SOURCE to a schema file or to https:\/\/NODE:8006\/pve-docs\/api-viewer\/apidata\.js and run `npm run build`$/);
    expect(r.stderr).not.toMatch(/exitCode|CliError|\s+at /);
  }, 60_000);
});

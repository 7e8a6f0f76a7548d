/**
 * Issue 15 item 4: the ssh and local backends end to end. A real OpenSSH server on a loopback port (throwaway host
 * key, one authorised test key) whose sessions find a fake `pvesh` on their PATH: test/helpers/fake-pvesh.mjs,
 * which answers from the in-process mock over HTTPS the way pvesh answers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT, runCli } from '../helpers/cli';
import { startTestMock, TEST_TOKEN_ID, TEST_TOKEN_SECRET } from '../helpers/mock';
import { startTestSshd, type TestSshd } from '../helpers/sshd';
import { shellQuote } from '../../src/util/shell-quote';

let mock: Awaited<ReturnType<typeof startTestMock>>;
let sshd: TestSshd;
let dir: string;
let bin: string;
let argvLog: string;

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 200 });
  dir = mkdtempSync(join(tmpdir(), 'pvecli-ssh-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  argvLog = join(dir, 'pvesh-argv.log');
  const config = join(dir, 'fake-pvesh.json');
  writeFileSync(config, JSON.stringify({ url: mock.url, token: `${TEST_TOKEN_ID}=${TEST_TOKEN_SECRET}`, log: argvLog }));
  const wrapper = join(bin, 'pvesh');
  const script = join(ROOT, 'test/helpers/fake-pvesh.mjs');
  writeFileSync(wrapper, `#!/bin/sh\nFAKE_PVESH_CONFIG=${shellQuote(config)} exec ${shellQuote(process.execPath)} ${shellQuote(script)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  sshd = await startTestSshd(dir, `${bin}:/usr/local/bin:/usr/bin:/bin`);
});

afterAll(async () => {
  await sshd?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The ssh backend from the environment alone, CI set (no implicit mock), host key checked against known_hosts. */
function sshEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return isolatedEnv({
    CI: 'true',
    PROXMOX_API_BACKEND: 'ssh',
    PROXMOX_API_SSH_HOST: '127.0.0.1',
    PROXMOX_API_SSH_PORT: String(sshd.port),
    PROXMOX_API_SSH_USER: sshd.user,
    PROXMOX_API_SSH_IDENTITY: sshd.identity,
    PROXMOX_API_SSH_KNOWN_HOSTS: sshd.knownHosts,
    PROXMOX_API_SSH_STRICT_HOST_KEY_CHECKING: 'yes',
    ...extra,
  });
}

function loggedArgv(): string[][] {
  return existsSync(argvLog) ? readFileSync(argvLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
}

/** Words a shell would act on if a value reached the remote shell unquoted. */
const HOSTILE = (marker: string) => `'; touch ${marker}; echo '$(touch ${marker})\`touch ${marker}\`" && touch ${marker}`;

describe('ssh backend: pvesh on the node through OpenSSH', () => {
  it('get: the reply renders as over https', async () => {
    const r = await runCli(['get', '/nodes', '-o', 'json'], { env: sshEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ node: string }>).map((n) => n.node)).toEqual(expect.arrayContaining(['pve', 'pve2', 'pve3']));
    expect(loggedArgv().at(-1)).toEqual(['get', '/nodes', '--output-format', 'json']);
  });

  it('create: the UPID pvesh prints after the task log is waited for through the same backend', async () => {
    const r = await runCli(['create', '/nodes/pve/qemu', '--vmid', '910', '--name', 'over-ssh'], { env: sshEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('qmcreate 910 on pve: OK\n');
    // The log, read with `pvesh get …/log` after the task ended.
    expect(r.stderr).toContain('TASK OK');
    const calls = loggedArgv().slice(-3).map((a) => a.slice(0, 2).join(' '));
    expect(calls[0]).toBe('create /nodes/pve/qemu');
    expect(calls.slice(1).join('\n')).toMatch(/get \/nodes\/pve\/tasks\/UPID:pve:[^/]+:\/(status|log)/);
  });

  it('a task that fails exits 8', async () => {
    const r = await runCli(['create', '/nodes/pve/qemu', '--vmid', '911', '--name', 'fail-task'], { env: sshEnv() });
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/pvecli: task failed: mock failure requested/);
  });

  it('error replies keep their exit codes: "does not exist" → 6, any other failure → 7', async () => {
    const missing = await runCli(['get', '/nodes/pve/qemu/9999/config'], { env: sshEnv() });
    expect(missing.code).toBe(6);
    expect(missing.stderr).toMatch(/^pvecli: .*does not exist \(500, pvesh get \/nodes\/pve\/qemu\/9999\/config on \S+@127\.0\.0\.1\)$/m);
    const taken = await runCli(['create', '/nodes/pve/qemu', '--vmid', '910', '--name', 'again'], { env: sshEnv() });
    expect(taken.code).toBe(7);
    expect(taken.stderr).toMatch(/^pvecli: .*910.*\(\d{3}, pvesh create \/nodes\/pve\/qemu on /m);
  });

  it('a value with spaces, quotes and shell syntax arrives intact, and nothing in it runs', async () => {
    const marker = join(dir, 'pwned');
    const description = `it's a "test"  with  spaces ${HOSTILE(marker)} $HOME \\n`;
    const set = await runCli(['set', '/nodes/pve/qemu/910/config', '--description', description], { env: sshEnv() });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(loggedArgv().at(-1)).toEqual(['set', '/nodes/pve/qemu/910/config', '--output-format', 'json', `--description=${description}`]);
    const get = await runCli(['get', '/nodes/pve/qemu/910/config', '-o', 'json'], { env: sshEnv() });
    expect((JSON.parse(get.stdout) as { description: string }).description).toBe(description);
    // The plain injection of the issue, as the whole value.
    const plain = await runCli(['set', '/nodes/pve/qemu/910/config', '--description', `'; touch ${marker}'`], { env: sshEnv() });
    expect(plain.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('--dry-run prints the ssh command line, quoted to paste: run by a shell it gives the same reply', async () => {
    const description = `dry "run" it's ${HOSTILE(join(dir, 'pwned-dry'))}`;
    const dry = await runCli(['--dry-run', 'set', '/nodes/pve/qemu/910/config', '--description', description], { env: sshEnv() });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^ssh -o BatchMode=yes .* -- 127\.0\.0\.1 '/);
    const before = loggedArgv().length;
    // Not execFileSync: the mock that answers the fake pvesh runs in this process.
    await promisify(execFile)('/bin/sh', ['-c', dry.stdout], { env: sshEnv(), timeout: 50_000 });
    expect(loggedArgv().length).toBe(before + 1);
    expect(loggedArgv().at(-1)).toContain(`--description=${description}`);
    expect(existsSync(join(dir, 'pwned-dry'))).toBe(false);
  });

  it('a host key other than the known one → exit 3, nothing runs on the node', async () => {
    const wrong = join(dir, 'wrong_known_hosts');
    writeFileSync(wrong, sshd.wrongKnownHost);
    const before = loggedArgv().length;
    const r = await runCli(['get', '/nodes'], { env: sshEnv({ PROXMOX_API_SSH_KNOWN_HOSTS: wrong }) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^pvecli: ssh: the host key of \S+@127\.0\.0\.1 is not the one known to ssh/m);
    expect(loggedArgv().length).toBe(before);
  });

  it('an unknown host key: refused under StrictHostKeyChecking=yes (exit 3), learned with accept-new', async () => {
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    expect((await runCli(['get', '/version'], { env: sshEnv({ PROXMOX_API_SSH_KNOWN_HOSTS: empty }) })).code).toBe(3);
    const learned = await runCli(['get', '/version'], { env: sshEnv({ PROXMOX_API_SSH_KNOWN_HOSTS: empty, PROXMOX_API_SSH_STRICT_HOST_KEY_CHECKING: 'accept-new' }) });
    expect(learned.code).toBe(0);
    // ssh may hash the host name (HashKnownHosts): the key it learned is the server's.
    const hostKey = readFileSync(sshd.knownHosts, 'utf8').trim().split(' ').slice(1).join(' ');
    expect(readFileSync(empty, 'utf8')).toContain(hostKey);
  });

  it('a key the node does not accept → exit 4, no password prompt (BatchMode)', async () => {
    const stranger = join(dir, 'stranger_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const r = await runCli(['get', '/nodes'], { env: sshEnv({ PROXMOX_API_SSH_IDENTITY: stranger }) });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/refused the login/);
  });

  it('nobody listening → exit 3', async () => {
    const r = await runCli(['get', '/nodes'], { env: sshEnv({ PROXMOX_API_SSH_PORT: '1' }) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^pvecli: ssh: cannot reach .*Connection refused/m);
  });

  it('what pvesh cannot do is refused before anything runs: secrets on its command line, API tokens', async () => {
    const before = loggedArgv().length;
    const secret = await runCli(['create', '/access/users', '--userid', 'x@pve', '--password', 'hunter2-secret'], { env: sshEnv() });
    expect(secret.code).toBe(2);
    expect(secret.stderr).toMatch(/--password is a secret, and pvesh takes parameters only on its command line/);
    expect(secret.stderr).not.toContain('hunter2-secret');
    const token = await runCli(['get', '/nodes'], { env: sshEnv({ PROXMOX_API_TOKEN_ID: TEST_TOKEN_ID, PROXMOX_API_TOKEN_SECRET: TEST_TOKEN_SECRET }) });
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/PROXMOX_API_TOKEN_ID is not used by the ssh backend: pvesh acts as the ssh login user/);
    expect(token.stderr).not.toContain(TEST_TOKEN_SECRET);
    expect(loggedArgv().length).toBe(before);
  });

  it('a profile with backend ssh: the url names the node, profile verify says who acts', async () => {
    const configFile = join(dir, 'config.yaml');
    const profile = {
      url: 'https://127.0.0.1:8006', backend: 'ssh', ssh_port: sshd.port, ssh_user: sshd.user, ssh_identity: sshd.identity,
      ssh_known_hosts: sshd.knownHosts, ssh_strict_host_key_checking: 'yes',
    };
    writeFileSync(configFile, JSON.stringify({ current: 'node1', profiles: { node1: profile } }), { mode: 0o600 });
    const r = await runCli(['profile', 'verify', '-o', 'json'], { env: isolatedEnv({ CI: 'true', PROXMOX_CONFIG_FILE: configFile }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ profile: 'node1', url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, product: 'PVE', auth: 'ssh', identity: `${sshd.user} (ssh key)` });
  });

  it('--trace shows each command line and its exit status; --async prints the UPID', async () => {
    const r = await runCli(['--trace', '--async', 'create', '/nodes/pve/qemu/910/status/start'], { env: sshEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^UPID:pve:\S+:\n$/);
    expect(r.stderr).toMatch(/^trace: ssh -o BatchMode=yes .* -- 127\.0\.0\.1 'pvesh create \/nodes\/pve\/qemu\/910\/status\/start --output-format json'$/m);
    expect(r.stderr).toMatch(/^trace: exit status 0 \(\d+ ms\)$/m);
  });

  it('task commands work over the same backend', async () => {
    const r = await runCli(['task', 'list', '--node', 'pve', '-o', 'json'], { env: sshEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain('qmcreate');
  });
});

describe('local backend: pvesh on this machine', () => {
  const localEnv = (extra: Record<string, string | undefined> = {}) =>
    isolatedEnv({ CI: 'true', PROXMOX_API_BACKEND: 'local', PATH: `${bin}:${process.env.PATH}`, ...extra });

  it('get and create with a task, pvesh run without a shell', async () => {
    const marker = join(dir, 'pwned-local');
    const created = await runCli(['create', '/nodes/pve/qemu', '--vmid', '920', '--name', 'local-vm', '--description', HOSTILE(marker)], { env: localEnv() });
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('qmcreate 920 on pve: OK\n');
    const r = await runCli(['get', '/nodes/pve/qemu/920/config', '-o', 'json'], { env: localEnv() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'local-vm', description: HOSTILE(marker) });
    expect(existsSync(marker)).toBe(false);
  });

  it('--dry-run shows the pvesh command line', async () => {
    const r = await runCli(['--dry-run', 'delete', '/nodes/pve/qemu/920'], { env: localEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pvesh delete /nodes/pve/qemu/920 --output-format json\n');
  });

  it('no pvesh on the PATH → exit 3 naming it', async () => {
    const r = await runCli(['get', '/nodes'], { env: localEnv({ PATH: '/usr/bin:/bin' }) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^pvecli: pvesh is not on the PATH\nhint: the local backend runs on a Proxmox VE node/m);
  });
});

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli';

// Issue 16 item 7: flags complete their values (live where the schema links them to a listing), property strings
// key by key, file names only for flags that take a file; the live lookup is time-boxed.

const run = promisify(execFile);
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const env = isolatedEnv();

async function complete(...words: string[]): Promise<string[]> {
  const r = await runCli(['__complete', ...words], { env });
  expect(r.code).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('flag values from the API (the built-in mock)', () => {
  it('--node: the nodes; --storage: the storages of the node in the path', async () => {
    expect(await complete('create', '/nodes/pve/qemu/100/migrate', '--target', '')).toEqual(['pve', 'pve2', 'pve3']);
    expect(await complete('create', '/nodes/pve/qemu', '--storage', '')).toEqual(['local', 'local-lvm', 'nfs-backup']);
  });

  it('--vmid: the guests, but a new guest gets the next free ID', async () => {
    expect(await complete('create', '/nodes/pve/vzdump', '--vmid', '')).toEqual(['100', '101', '102', '110', '111']);
    const free = await complete('create', '/nodes/pve/qemu', '--vmid', '');
    expect(free).toHaveLength(1);
    expect(Number(free[0])).toBeGreaterThanOrEqual(100);
    expect(await complete('create', '/nodes/pve/qemu/100/clone', '--newid', '')).toEqual(free);
  });

  it('--pool and --content (the content types of the node\'s storages, or of the one named)', async () => {
    expect(await complete('create', '/nodes/pve/qemu', '--pool', '')).toEqual(['prod']);
    expect(await complete('get', '/nodes/pve/storage/local/content', '--content', '')).toEqual(['backup', 'iso', 'snippets', 'vztmpl']);
    expect(await complete('get', '/nodes/pve/storage/local-lvm/content', '--content', '')).toEqual(['images', 'rootdir']);
  });

  it('enums still come from the schema', async () => {
    expect(await complete('create', '/nodes/pve/qemu', '--ostype', 'l')).toEqual(['l24', 'l26']);
  });
});

describe('property strings', () => {
  it('--net0 virtio,br → virtio,bridge=; the first piece offers the models', async () => {
    expect(await complete('create', '/nodes/pve/qemu', '--net0', 'virtio,br')).toEqual(['virtio,bridge=']);
    expect(await complete('create', '/nodes/pve/qemu', '--net0', 'virt')).toEqual(['virtio']);
    const keys = await complete('create', '/nodes/pve/qemu', '--net0', 'virtio,');
    expect(keys).toEqual(expect.arrayContaining(['virtio,bridge=', 'virtio,tag=', 'virtio,firewall=', 'virtio,macaddr=']));
    expect(keys).not.toContain('virtio,virtio=');
    expect(await complete('create', '/nodes/pve/qemu', '--net0', 'virtio,firewall=')).toEqual(['virtio,firewall=1', 'virtio,firewall=0']);
    expect(await complete('create', '/nodes/pve/qemu', '--net0=virtio,br')).toEqual(['--net0=virtio,bridge=']);
  });
});

describe('file names only where a file is meant', () => {
  it('--input, --ca-file and an upload\'s --filename ask the shell for files; other flags never do', async () => {
    expect(await complete('create', '/pools', '--input', '')).toEqual([':files']);
    expect(await complete('get', '/version', '--ca-file', '')).toEqual([':files']);
    expect(await complete('create', '/nodes/pve/storage/local/upload', '--filename', '')).toEqual([':files']);
    expect(await complete('create', '/nodes/pve/qemu', '--name', '')).toEqual([]);
    expect(await complete('create', '/nodes/pve/qemu', '--description', '')).toEqual([]);
  });
});

describe('the time box', () => {
  it('out of time, the answer comes from the schema and the lookup fills the cache for the next TAB', async () => {
    const boxed = isolatedEnv({ PVECLI_COMPLETE_WAIT_MS: '0' });
    const first = await runCli(['__complete', 'get', '/nodes/pve/qemu/'], { env: boxed });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    const second = await runCli(['__complete', 'get', '/nodes/pve/qemu/'], { env: boxed });
    expect(second.stdout.split('\n').filter(Boolean)).toEqual(['/nodes/pve/qemu/100/']);
  });
});

describe.runIf(hasTmux)('a real bash on a terminal (tmux)', () => {
  const socket = `pvecli-test-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env: { ...env, PATH: `${bin}:${env.PATH}` } });
  let bin: string;

  beforeAll(async () => {
    // pvecli on PATH, as after `npm link`.
    bin = mkdtempSync(join(tmpdir(), 'pvecli-bin-'));
    writeFileSync(join(bin, 'pvecli'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'pvecli'), 0o755);
    await tmux('new-session', '-d', '-s', 'c', '-x', '150', '-y', '20', 'bash --norc --noprofile');
    await tmux('send-keys', '-t', 'c', 'eval "$(pvecli completion bash)"; clear', 'Enter');
  });
  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
  });

  async function screenAfter(line: string, ms: number): Promise<string> {
    await tmux('send-keys', '-t', 'c', line, 'Tab');
    const end = Date.now() + ms;
    let screen = '';
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      screen = (await tmux('capture-pane', '-p', '-t', 'c')).stdout;
      if (screen.includes('bridge=')) break;
    }
    await tmux('send-keys', '-t', 'c', 'C-u');
    return screen;
  }

  it('--net0 virtio,br<TAB> becomes --net0 virtio,bridge= with no space after', async () => {
    const screen = await screenAfter('pvecli create /nodes/pve/qemu --vmid 300 --net0 virtio,br', 20_000);
    expect(screen).toContain('--net0 virtio,bridge=');
    expect(screen).not.toContain('virtio,bridge= ');
  }, 30_000);
});

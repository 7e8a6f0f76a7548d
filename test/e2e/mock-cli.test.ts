// Issue 5 through bin/run.js: the built-in `mock` profile (no config, no PROXMOX_API_URL) keeps its state between
// runs, and a VM goes create → start → running → snapshot → stop → delete with the state checked at each step;
// `mock serve` refuses bad flags and state files as usage errors.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';

describe('mock: lifecycle through bin/run.js against the embedded mock', () => {
  const env = isolatedEnv();
  const cli = async (...args: string[]) => {
    const r = await runCli(args, { env });
    return { ...r, json: () => JSON.parse(r.stdout) as unknown };
  };
  const vm = async () => (await cli('get', '/nodes/pve/qemu/200/status/current', '-o', 'json')).json() as { status: string; name: string };

  it('creates, starts, snapshots, stops and deletes VM 200, each step visible to the next process', async () => {
    const created = await cli('create', '/nodes/pve/qemu', '--vmid', '200', '--name', 'web', '--memory', '1024');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/built-in mock/);
    const vms = (await cli('get', '/cluster/resources', '--type', 'vm', '-o', 'json')).json() as Array<{ vmid: number; name: string }>;
    expect(vms.find((v) => v.vmid === 200)).toMatchObject({ name: 'web' });
    expect(await vm()).toMatchObject({ status: 'stopped', name: 'web' });

    expect((await cli('create', '/nodes/pve/qemu/200/status/start')).code).toBe(0);
    expect(await vm()).toMatchObject({ status: 'running' });

    expect((await cli('create', '/nodes/pve/qemu/200/snapshot', '--snapname', 'before')).code).toBe(0);
    const snaps = (await cli('get', '/nodes/pve/qemu/200/snapshot', '-o', 'json')).json() as Array<{ name: string }>;
    expect(snaps.map((s) => s.name)).toEqual(['before', 'current']);

    expect((await cli('create', '/nodes/pve/qemu/200/status/stop')).code).toBe(0);
    expect(await vm()).toMatchObject({ status: 'stopped' });

    expect((await cli('delete', '/nodes/pve/qemu/200')).code).toBe(0);
    const gone = await cli('get', '/nodes/pve/qemu/200/status/current');
    // Proxmox's HTTP 500 "… does not exist" is exit 6, as a 404 is (DESIGN.md §4, issue 13).
    expect(gone.code).toBe(6);
    expect(gone.stderr).toMatch(/does not exist/);
  }, 60_000);

  it('reports a failing task with exit 8 and a duplicate vmid as an API error', async () => {
    const failed = await cli('create', '/nodes/pve/qemu', '--vmid', '210', '--name', 'fail-task');
    expect(failed.code).toBe(8);
    const dup = await cli('create', '/nodes/pve/qemu', '--vmid', '100');
    expect(dup.code).toBe(7);
    expect(dup.stderr).toMatch(/already exists/);
  }, 30_000);

  it('keeps every change when several CLI processes write to the embedded mock at once', async () => {
    // A fresh state dir: the processes also race to create the state (one seed, one token secret must win).
    const fresh = isolatedEnv();
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => runCli(['create', '/pools', '--poolid', `par${i}`], { env: fresh })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const pools = JSON.parse((await runCli(['get', '/pools', '-o', 'json'], { env: fresh })).stdout) as Array<{ poolid: string }>;
    expect(pools.map((p) => p.poolid).filter((p) => p.startsWith('par')).sort()).toEqual(['par0', 'par1', 'par2', 'par3', 'par4', 'par5']);
  }, 60_000);

  it('forgets the state with mock reset', async () => {
    expect((await cli('create', '/nodes/pve/qemu', '--vmid', '220', '--name', 'temp')).code).toBe(0);
    const reset = await cli('mock', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    const vms = (await cli('get', '/cluster/resources', '--type', 'vm', '-o', 'json')).json() as Array<{ vmid: number }>;
    expect(vms.map((v) => v.vmid)).toEqual([100, 101, 102, 110, 111]);
  }, 30_000);

  it('serves with mock serve -o json and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli');
    const child = spawn(process.execPath, [BIN, 'mock', 'serve', '--port', '0', '-o', 'json', '--token', 'root@pam!s=t'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
    });
    const info = JSON.parse(line) as { url: string; fingerprint: string };
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const r = await runCli(['get', '/version', '-o', 'json'], {
      env: { ...env, PROXMOX_API_URL: info.url, PROXMOX_API_TOKEN_ID: 'root@pam!s', PROXMOX_API_TOKEN_SECRET: 't', PROXMOX_API_FINGERPRINT: info.fingerprint },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ release: '9.2' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('refuses bad mock serve flags with exit 2 and one line, never echoing a token secret', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', 'abc'], /^pvecli: --port: expected an integer but received: abc$/],
      [['--port', '70000'], /^pvecli: --port: expected an integer less than or equal to 65535/],
      [['--task-duration', '-1', '--port', '0'], /^pvecli: --task-duration: expected an integer greater than or equal to 0/],
      [['--bogus'], /^pvecli: unknown option '--bogus' for 'mock serve'$/],
      [['--token', 'ci@pve=xyzzy-secret', '--port', '0'], /^pvecli: --token 'ci@pve=…': expected USER@REALM!NAME=SECRET$/],
      [['--host', '192.0.2.77', '--port', '0'], /^pvecli: cannot listen on 192\.0\.2\.77:0: no such local address$/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['mock', 'serve', ...args], { env, timeoutMs: 15_000 });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('hint: '));
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/xyzzy/);
    }
  }, 90_000);

  it('refuses a --state file that is not a mock state with exit 2 naming it, and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvecli-state-'));
    const cases: Array<[string, RegExp]> = [
      ['{"version": 1, "nodes": [', /not valid JSON/],
      ['{"hello": "world"}', /not a mock state of version 1/],
      ['', /is empty, not a mock state/],
    ];
    for (const [text, problem] of cases) {
      const file = join(dir, 'state.json');
      writeFileSync(file, text);
      const r = await runCli(['mock', 'serve', '--port', '0', '--state', file], { env, timeoutMs: 15_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^pvecli: mock state file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(r.stderr).toMatch(problem);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  }, 60_000);

  it('refuses a broken built-in mock state with exit 2 and points at mock reset', async () => {
    const own = isolatedEnv();
    const file = join(String(own.XDG_STATE_HOME), 'pvecli', 'mock-state.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'not json');
    const r = await runCli(['get', '/version'], { env: own });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`pvecli: mock state file ${file}: not valid JSON`);
    expect(r.stderr).toMatch(/hint: run 'pvecli mock reset'/);
    expect(readFileSync(file, 'utf8')).toBe('not json');
    expect((await runCli(['mock', 'reset'], { env: own })).code).toBe(0);
    expect((await runCli(['get', '/version'], { env: own })).code).toBe(0);
  }, 30_000);
});


import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

describe('pvecli ls', () => {
  it('lists the children of a concrete path with capability flags', async () => {
    const r = await runCli(['ls', '/nodes/pve/qemu/100']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    const byName = Object.fromEntries(rows.map(([caps, name]) => [name, caps]));
    expect(byName.status).toBe('Dr---');
    expect(byName.config).toBe('-rwc-');
    expect(byName.snapshot).toBe('Dr-c-');
    expect(r.stderr).toBe('');
  });
  it('lists the root and answers json', async () => {
    const r = await runCli(['ls', '/', '-o', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; path: string }>;
    expect(rows.map((x) => x.name)).toEqual(expect.arrayContaining(['access', 'cluster', 'nodes', 'pools', 'storage', 'version']));
    expect(rows.find((x) => x.name === 'nodes')?.path).toBe('/nodes');
  });
  it('works on another bundled schema', async () => {
    const r = await runCli(['ls', '/', '--schema', 'pbs-4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/admin/);
  });
});

describe('pvecli usage', () => {
  it('lists all 93 parameters of qemu create with net[n] keys', async () => {
    const r = await runCli(['usage', '/nodes/pve/qemu', '--command', 'create', '-v']);
    expect(r.code).toBe(0);
    const flags = r.stdout.match(/^ {2}(--\S+|<\S+>)/gm) ?? [];
    expect(flags.length).toBe(93);
    expect(r.stdout).toContain('--net[0..31]');
    expect(r.stdout).toMatch(/bridge=<bridge>/);
  });
  it('prints the short usage of every operation on a path', async () => {
    const r = await runCli(['usage', '/nodes/{node}/qemu']);
    expect(r.stdout).toBe('pvecli get /nodes/{node}/qemu [OPTIONS]\npvecli create /nodes/{node}/qemu --vmid <integer> (100 - 999999999) [OPTIONS]\n');
  });
  it('gives machine-readable usage and the return schema', async () => {
    const r = await runCli(['usage', '/cluster/resources', '--command', 'get', '-o', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.method).toBe('GET');
    expect(doc.parameters.map((p: { name: string }) => p.name)).toContain('type');
    const ret = await runCli(['usage', '/cluster/resources', '--returns']);
    expect(ret.stdout).toMatch(/RETURNS: array of <object>/);
  });
  it('`<verb> <path> --help` shows that operation', async () => {
    const r = await runCli(['create', '/nodes/pve/qemu', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^USAGE: pvecli create \/nodes\/\{node\}\/qemu --vmid/);
  });
});

describe('bad input: exit 2, one clear line, no stack trace', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown verb', ['frobnicate', '/nodes'], /^pvecli: unknown command 'frobnicate'/],
    ['unknown path', ['ls', '/nodez'], /^pvecli: no such API path '\/nodez'\nhint: did you mean '\/nodes'/],
    ['unknown path on a verb', ['get', '/nodes/pve/qemuu'], /^pvecli: no such API path '\/nodes\/pve\/qemuu'\nhint: did you mean '\/nodes\/pve\/qemu'/],
    ['unknown --command', ['usage', '/nodes', '--command', 'put'], /^pvecli: --command: 'put' is not one of get, set, create, delete/],
    ['missing path', ['get'], /^pvecli: missing API path/],
    ['missing path for usage', ['usage'], /^pvecli: missing API path/],
    ['verb not on path', ['delete', '/version'], /^pvecli: 'delete' is not available on \/version\nhint: available: get/],
    ['bad output format', ['ls', '/', '-o', 'xml'], /^pvecli: --output-format: 'xml' is not one of/],
    ['unknown schema', ['ls', '/', '--schema', 'pve-1.0'], /^pvecli: unknown schema 'pve-1.0'/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('pvecli --version and help', () => {
  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pvecli\/\d+\.\d+\.\d+ /);
  });
  it('lists commands and topics', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const w of ['get', 'set', 'create', 'delete', 'ls', 'usage', 'task']) expect(r.stdout).toContain(w);
  });
  it('suggests the nearest command', async () => {
    const r = await runCli(['lss', '/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean ls/);
  });
});

describe('help and mistyped topics', () => {
  it('suggests the nearest subcommand of a topic', async () => {
    const r = await runCli(['task', 'lst']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pvecli: unknown command 'task lst'\nhint: did you mean 'task list', 'task log'?\n");
  });
  it('a word too many after a command without arguments is named, not "command not found"', async () => {
    const r = await runCli(['task', 'list', 'foo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pvecli: 'task list' takes no arguments (got 'foo')\nhint: see 'pvecli task list --help'\n");
    const env = await runCli(['profile', 'env', 'mock', '-o', 'json']);
    expect(env.code, env.stderr).toBe(0);
    expect(JSON.parse(env.stdout)[0]).toMatchObject({ setting: 'profile', value: 'mock' });
  });
  it('`help VERB` and `VERB --help` show the verb with examples', async () => {
    const a = await runCli(['help', 'create']);
    const b = await runCli(['create', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/Examples:\n {2}pvecli get/);
  });
});

describe('which schema a run uses', () => {
  it('follows the service of the connection, and --schema wins', async () => {
    const { isolatedEnv } = await import('../helpers/cli');
    const pbs = await runCli(['ls', '/'], { env: isolatedEnv({ PROXMOX_API_SERVICE: 'PBS' }) });
    expect(pbs.stdout).toMatch(/\badmin\n/);
    const forced = await runCli(['ls', '/', '--schema', 'pve-9.2'], { env: isolatedEnv({ PROXMOX_API_SERVICE: 'PBS' }) });
    expect(forced.stdout).not.toMatch(/\badmin\n/);
    expect(forced.stdout).toMatch(/\bcluster\n/);
  });
});

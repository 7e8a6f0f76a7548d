import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { complete } from '../../src/cli/complete';
import { OUTPUT_FORMATS } from '../../src/output/render';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');
// No config file, no server in the environment: the built-in `mock` is the only profile, and nothing here asks it.
const home = mkdtempSync(join(tmpdir(), 'pvecli-complete-'));
Object.assign(process.env, { XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_STATE_HOME: join(home, '.state') });
for (const name of ['PROXMOX_API_URL', 'PROXMOX_CONFIG_FILE', 'PVECLI_PROFILE', 'PVECLI_SCHEMA', 'PROXMOX_API_SERVICE']) delete process.env[name];

describe('completion after global options typed before the command', () => {
  it('finds the command behind them and their values', async () => {
    expect(await complete(['get', '/no'])).toEqual(['/nodes/']);
    expect(await complete(['-o', 'json', 'get', '/no'])).toEqual(['/nodes/']);
    expect(await complete(['-p', 'mock', 'get', '/no'])).toEqual(['/nodes/']);
    expect(await complete(['--trace', 'get', '/no'])).toEqual(['/nodes/']);
    expect(await complete(['-ojson', '--no-human-readable', '--fields=a,b', 'ls', 'clu'])).toEqual(['cluster/']);
  });

  it('applies them: --schema picks the schema whose paths and flags are offered', async () => {
    const pbs = await complete(['--schema', 'pbs-4', 'get', '/']);
    expect(pbs).toEqual(expect.arrayContaining(['/admin/', '/tape/', '/ping']));
    expect(pbs).not.toContain('/cluster/');
    // the root's own node in the PBS data is not a child of itself
    expect(pbs).not.toContain('//');
    expect(await complete(['--schema', 'pbs-4', '-o', 'json', 'create', '/access/users', '--user'])).toEqual(['--userid']);
    expect((await complete(['--schema=pmg-6.3', 'ls', '/quarantine/sp'])).sort()).toEqual(['/quarantine/spam', '/quarantine/spamstatus', '/quarantine/spamusers']);
  });

  it('completes the operation flags and their values as after the verb', async () => {
    expect((await complete(['-q', 'get', '/cluster/resources', '--type', ''])).sort()).toEqual(['node', 'sdn', 'storage', 'vm']);
    expect(await complete(['-q', 'create', '/nodes/pve/qemu', '--me'])).toEqual(['--memory']);
    expect(await complete(['-q', 'get', '/version', '--output-format=y'])).toEqual(['--output-format=yaml']);
  });

  it('completes the subcommands and profile names of topics', async () => {
    expect(await complete(['-p', 'mock', 'task', 'st'])).toEqual(['status', 'stop']);
    expect(await complete(['-o', 'json', 'profile', 'show', ''])).toEqual(['mock']);
  });
});

describe('completion of the global options before the command', () => {
  it('offers their values', async () => {
    expect(await complete(['-o', ''])).toEqual([...OUTPUT_FORMATS]);
    expect(await complete(['--output-format', 'j'])).toEqual(['json', 'json-pretty']);
    expect(await complete(['--output-format=j'])).toEqual(['--output-format=json', '--output-format=json-pretty']);
    expect(await complete(['-p', ''])).toEqual(['mock']);
    expect(await complete(['--trace', '--schema', 'pb'])).toEqual(['pbs-4']);
  });

  it('offers the commands after them, and their names where an option is begun', async () => {
    expect(await complete(['-o', 'json', 'c'])).toEqual(['create', 'completion']);
    expect(await complete(['--trace', ''])).toContain('get');
    expect(await complete(['--pro'])).toEqual(['--profile']);
    expect(await complete(['-p', 'mock', '--output'])).toEqual(['--output-format']);
  });
});

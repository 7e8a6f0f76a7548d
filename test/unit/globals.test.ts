import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { GLOBAL_SPECS, hoistLeadingGlobals, leadingGlobalsEnd, splitGlobals } from '../../src/cli/globals';
import { availableSchemas, loadSchema } from '../../src/schema/load';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');

/** DESIGN.md §3: the only global long names an API operation may share, and how the global is then reached. */
const KNOWN_COLLISIONS: Record<string, string> = {
  profile: '-p or PVECLI_PROFILE (PMG LDAP profiles)',
  quiet: '-q (vzdump, apt update)',
  'dry-run': "the server's own dry run (realm sync, PBS prune)",
  otp: 'PROXMOX_API_OTP (the ticket call itself takes otp)',
};

describe('global options', () => {
  it('no bundled schema uses a global long name, except the documented collisions', () => {
    const names = new Set(GLOBAL_SPECS.map((s) => s.name));
    const found = new Set<string>();
    const ids = availableSchemas();
    expect(ids.length).toBe(6);
    for (const id of ids) {
      const schema = loadSchema(id);
      for (const [template, methods] of schema.index.entries) {
        for (const m of methods ? methods.split(',') : []) {
          for (const p of Object.keys(schema.operation(template, m as 'GET')!.parameters.properties ?? {})) {
            if (names.has(p)) found.add(p);
          }
        }
      }
    }
    for (const name of found) expect(Object.keys(KNOWN_COLLISIONS), `global --${name} collides`).toContain(name);
  });

  it('takes globals out of argv and leaves the operation flags', () => {
    const r = splitGlobals(['/nodes', '-o', 'json', '--memory', '2048', '--noborder', '--fields=a,b', '--name=x']);
    expect(r.positionals).toEqual(['/nodes']);
    expect(r.globals).toMatchObject({ outputFormat: 'json', noborder: true, fields: ['a', 'b'] });
    expect(r.rest).toEqual(['--memory', '2048', '--name=x']);
  });

  it('leaves a colliding long name to the API parameter; the short alias stays global', () => {
    const r = splitGlobals(['/nodes/pve/vzdump', '--quiet', '1', '-q'], new Set(['quiet']));
    expect(r.rest).toEqual(['--quiet', '1']);
    expect(r.globals.quiet).toBe(true);
    const p = splitGlobals(['/config/ldap', '--profile', 'corp', '-p', 'lab'], new Set(['profile']));
    expect(p.rest).toEqual(['--profile', 'corp']);
    expect(p.globals.profile).toBe('lab');
  });

  it('rejects a value on a boolean global and a missing value', () => {
    expect(() => splitGlobals(['--noborder=wide'])).toThrow(/takes no value/);
    expect(() => splitGlobals(['-o'])).toThrow(/needs a value/);
  });
});

describe('global options before the command', () => {
  it('move behind the command words, before any --', () => {
    expect(hoistLeadingGlobals(['-p', 'lab', '-o', 'json', 'get', '/nodes'])).toEqual(['get', '/nodes', '-p', 'lab', '-o', 'json']);
    expect(hoistLeadingGlobals(['--profile=lab', '-ojson', '--no-human-readable', 'task', 'list'])).toEqual(['task', 'list', '--profile=lab', '-ojson', '--no-human-readable']);
    expect(hoistLeadingGlobals(['-q', 'create', '/pools', '--', '--x'])).toEqual(['create', '/pools', '-q', '--', '--x']);
  });
  it('leave everything else alone', () => {
    expect(hoistLeadingGlobals(['get', '/nodes', '-p', 'lab'])).toEqual(['get', '/nodes', '-p', 'lab']);
    expect(hoistLeadingGlobals(['--version'])).toEqual(['--version']);
    expect(hoistLeadingGlobals(['-o', 'json'])).toEqual(['-o', 'json']);
    expect(hoistLeadingGlobals(['--bogus', 'get'])).toEqual(['--bogus', 'get']);
  });
  it('end where the command starts, values included', () => {
    expect(leadingGlobalsEnd(['-p', 'lab', '-ojson', '--fields=a,b', '--no-trace', 'get', '/nodes'])).toBe(5);
    expect(leadingGlobalsEnd(['get', '-p', 'lab'])).toBe(0);
    expect(leadingGlobalsEnd(['--bogus', 'get'])).toBe(0);
    // a value that looks like a command is still the option's value
    expect(leadingGlobalsEnd(['-p', 'get', 'ls'])).toBe(2);
    // no command yet, and an option at the end waiting for its value
    expect(leadingGlobalsEnd(['--trace', '-o'])).toBe(2);
    expect(leadingGlobalsEnd([])).toBe(0);
  });
  it('-o=json is -ojson', () => {
    expect(splitGlobals(['-o=json']).globals.outputFormat).toBe('json');
  });
});

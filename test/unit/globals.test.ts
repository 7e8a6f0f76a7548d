import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@oclif/core';
import { GLOBAL_SPECS, hoistLeadingGlobals, leadingGlobalsEnd, splitGlobals } from '../../src/cli/globals';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options';
import { globalFlag, globalFlags, toGlobals } from '../../src/cli/oclif-flags';
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
    const names = new Set<string>(GLOBAL_OPTIONS.map((s) => s.name));
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

describe('one table of global options for both parsers', () => {
  const oclifFlags = globalFlags as unknown as Record<string, { char?: string; type: string; options?: readonly string[]; allowNo?: boolean; description?: string }>;

  it('every option of scope `all` is an oclif flag with the same alias, kind, choices and help, and no other is', () => {
    const all = GLOBAL_OPTIONS.filter((s) => s.scope === 'all');
    expect(Object.keys(oclifFlags).sort()).toEqual(all.map((s) => s.name).sort());
    for (const spec of all) {
      const flag = oclifFlags[spec.name];
      expect(flag.char, spec.name).toBe('short' in spec ? spec.short : undefined);
      expect(flag.type, spec.name).toBe(spec.kind === 'boolean' ? 'boolean' : 'option');
      expect(flag.options, spec.name).toEqual('options' in spec ? [...spec.options] : undefined);
      expect(flag.allowNo ?? false, spec.name).toBe(spec.kind === 'boolean' && 'negatable' in spec && spec.negatable);
      expect(flag.description, spec.name).toBe(spec.help);
    }
  });

  it('the fast parser knows every option of the table, with the same alias and whether it takes a value', () => {
    expect(GLOBAL_SPECS.map((s) => [s.name, s.short, s.value])).toEqual(GLOBAL_OPTIONS.map((s) => [s.name, 'short' in s ? s.short : undefined, s.kind !== 'boolean']));
  });

  it('names only environment variables the sources read', () => {
    const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('global-options.ts'))
      .map((f) => readFileSync(join(ROOT, 'src', f), 'utf8'))
      .join('\n');
    for (const spec of GLOBAL_OPTIONS) if ('env' in spec) expect(sources, spec.name).toContain(`'${spec.env}'`);
  });

  it('an option of scope `verbs` an oclif command adds is made from the table too', () => {
    const flag = globalFlag('wait-timeout', { description: 'seconds to wait at most' }) as unknown as { type: string; helpValue?: string };
    expect(flag).toMatchObject({ type: 'option', helpValue: 'SECONDS' });
  });

  it('both parsers give the same GlobalOptions for the same words', async () => {
    const cases = [
      ['-p', 'lab', '-o', 'json', '--noborder', '--fields', 'a, b', '--sort=-mem', '--request-timeout', '0.5', '-q'],
      ['--profile=lab', '-ojson', '--no-human-readable', '--trace', '--insecure', '--ca-file', '/tmp/ca.pem', '--schema', 'pve-9.1'],
      ['--output-format', 'yaml', '--noheader', '--human-readable', '--query', '[0]', '--tls-fingerprint', 'AB:CD', '--otp', '123456'],
    ];
    for (const argv of cases) {
      const { flags } = await Parser.parse(argv, { flags: globalFlags, strict: true });
      expect(toGlobals(flags), argv.join(' ')).toEqual(splitGlobals(argv).globals);
    }
  });

  it('both parsers refuse the same bad values', async () => {
    for (const argv of [['-o', 'xml'], ['--request-timeout', '0']]) {
      expect(() => splitGlobals(argv), argv.join(' ')).toThrow();
      await expect(Parser.parse(argv, { flags: globalFlags, strict: true }), argv.join(' ')).rejects.toThrow();
    }
  });
});

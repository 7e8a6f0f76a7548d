/**
 * A credential's value never appears in a validation message: over every operation of every bundled schema, each
 * parameter isSecretParam() names (and each secret-named key of a property string) gets values that fail in every
 * way a message can describe; no message from parseArgs, validateParams or validateWire (the mock's 400 reply)
 * may contain any piece of them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { UsageError } from '../../src/errors';
import { paramErrorLine, parseArgs, propertyFormatOf, validateParams, validateWire } from '../../src/params';
import { itemsOf, typeOf } from '../../src/params/coerce';
import { availableSchemas, loadSchema, type Schema } from '../../src/schema/load';
import type { Operation, PropSchema } from '../../src/schema/types';
import { METHODS } from '../../src/schema/types';
import { validateRequest } from '../../src/mock/validate';
import { isSecretParam } from '../../src/util/secret-param';

/** Every value is built from this marker, so any leaked piece of 5 or more characters contains it. */
const MARK = 'ZQX';
const m = (n: number): string => MARK.repeat(Math.ceil(n / MARK.length)).slice(0, n);

/** Too short, too long, not a number/boolean/object, no pattern or format, property-string syntax errors. */
const BAD_VALUES = [m(3), m(5), m(200), `${m(6)}\t${m(6)}`, `${m(6)},${m(6)}`, `=${m(6)}`, `${m(6)}=`, `${m(6)}=${m(6)}`, `{"${m(6)}":1}`, `-${m(6)}`];

/** The flag name of a parameter (`net[n]` → `net0`). */
function flagName(name: string, prop: PropSchema): string {
  return prop['x-family'] ? `${prop['x-family'].prefix}0` : name;
}

/** Values for a parameter: the bad values, and for a property string each key set to each bad value. */
function valuesFor(prop: PropSchema, secretParam: boolean): string[] {
  const format = propertyFormatOf(prop) ?? propertyFormatOf(itemsOf(prop) ?? {});
  const keys = Object.keys(format ?? {}).filter((key) => secretParam || isSecretParam(key));
  const keyed = keys.flatMap((key) => BAD_VALUES.map((v) => `${key}=${v}`));
  return secretParam ? [...BAD_VALUES, ...keyed] : keyed;
}

/** Every message the CLI would print (error and hint) for `--flag value` and for the same through `--input`. */
function cliMessages(schema: Schema, op: Operation, flag: string, value: string): string[] {
  const out: string[] = [];
  for (const parse of [() => parseArgs(op, [`--${flag}`, value]), () => parseArgs(op, [], { input: { [flag]: value } })]) {
    try {
      out.push(...validateParams(schema, op, parse()).map(paramErrorLine));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      out.push(err.message, err.hint ?? '');
    }
  }
  out.push(...Object.values(validateWire(schema, op, { [flag]: value })));
  return out;
}

describe('secret parameter values stay out of messages', () => {
  it('over every bundled schema', () => {
    let refused = 0;
    const leaks: string[] = [];
    for (const id of availableSchemas()) {
      const schema = loadSchema(id);
      for (const [path] of schema.index.entries) for (const method of METHODS) {
        const op = schema.operation(path, method);
        if (!op) continue;
        for (const [name, prop] of Object.entries(op.parameters.properties ?? {})) {
          const secret = isSecretParam(name, op.path);
          // A boolean flag takes no value starting with '-' (`--delete-token -x` is the flag and a stray word).
          const values = valuesFor(prop, secret).filter((v) => typeOf(prop) !== 'boolean' || !v.startsWith('-'));
          for (const value of values) {
            const messages = cliMessages(schema, op, flagName(name, prop), value).filter(Boolean);
            refused += messages.length;
            for (const line of messages) if (line.includes(MARK)) leaks.push(`${id} ${method} ${path}: ${line}`);
          }
        }
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
    // The loop above must have produced plenty of refusals to look at, or it proves nothing.
    expect(refused).toBeGreaterThan(500);
  });
});

describe('messages about secret parameters', () => {
  const schema = loadSchema('pve-9.2');
  const usersCreate = schema.operation('/access/users', 'POST')!;
  const passwordSet = schema.operation('/access/password', 'PUT')!;
  const lxcCreate = schema.operation('/nodes/{node}/lxc', 'POST')!;
  const domainsCreate = schema.operation('/access/domains', 'POST')!;

  /** The CLI's lines for one argv (or `--input` object), all of them. */
  function lines(op: Operation, argv: string[], input?: Record<string, unknown>, path: Record<string, string> = {}): string[] {
    try {
      return validateParams(schema, op, { ...path, ...parseArgs(op, argv, { input }) }).map(paramErrorLine);
    } catch (err) {
      if (err instanceof UsageError) return [err.message];
      throw err;
    }
  }

  it('say what is wrong without the value', () => {
    expect(lines(usersCreate, ['--userid', 'bob@pve', '--password', 'short'])).toEqual(['--password: shorter than 8 characters']);
    expect(lines(usersCreate, ['--userid', 'bob@pve', '--password', 'A'.repeat(200)])).toEqual(['--password: longer than 64 characters']);
    expect(lines(usersCreate, [], { userid: 'bob@pve', password: 'short' })).toEqual(['--password: shorter than 8 characters']);
    expect(lines(passwordSet, ['--userid', 'bob@pve', '--password', 'short1', '--confirmation-password', 'x'])).toEqual([
      '--password: shorter than 8 characters',
      '--confirmation-password: shorter than 5 characters',
    ]);
    expect(lines(lxcCreate, ['--vmid', '200', '--ostemplate', 'local:vztmpl/d.tar.zst', '--password', 'abc'], undefined, { node: 'pve' })).toEqual([
      '--password: shorter than 5 characters',
    ]);
  });

  it('leave out the whole of a property string that holds a credential (a TFA realm key)', () => {
    const realm = ['--realm', 'corp', '--type', 'ldap', '--base_dn', 'dc=corp', '--user_attr', 'uid', '--server1', 'ldap.corp'];
    expect(lines(domainsCreate, [...realm, '--tfa', 'type=yubico,key=hunter22,digits=six'])).toEqual(["--tfa: key 'digits': not an integer"]);
    expect(lines(domainsCreate, [...realm, '--tfa', 'type=yubico,hunter22'])).toEqual(['--tfa: value has no key, and this format has no default key']);
    expect(lines(domainsCreate, [...realm, '--tfa', `type=yubico,key=${'k'.repeat(200)}`])).toEqual(['--tfa: longer than 128 characters']);
  });

  it('still show the value of any other parameter', () => {
    expect(lines(usersCreate, ['--userid', 'bob@pve', '--email', 'x'.repeat(300)])[0]).toMatch(/^--email: 'x{57}\.\.\.' is longer than/);
  });

  // The mock words its checks as PVE's JSONSchema does (issue 13), which repeats a bad value: never a credential's.
  it('in the mock: its validator does not repeat a credential', () => {
    const ticket = schema.operation('/access/ticket', 'POST')!;
    const errors = validateRequest({ ...ticket, parameters: { ...ticket.parameters, properties: { ...ticket.parameters.properties, password: { type: 'integer' } } } }, {
      username: 'root@pam',
      password: 'hunter22',
    });
    expect(errors.password).toBe("type check ('integer') failed");
    expect(JSON.stringify(errors)).not.toContain('hunter22');
    expect(validateRequest(usersCreate, { userid: 'bob@pve', enable: 'maybe' }).enable).toBe("type check ('boolean') failed - got 'maybe'");
  });
});

// Unit tests of the mock's building blocks: certificate, TOTP, seeded generator, request bodies, permissions,
// state file checks, task logs, --token parsing.
import { X509Certificate } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UsageError } from '../../src/errors';
import { serveError } from '../../commands/mock/serve';
import { parseTokenSpec } from '../../src/mock';
import { mayManageUser, privilegesOn } from '../../src/mock/acl';
import type { Identity } from '../../src/mock/auth';
import { parseBody, parseForm } from '../../src/server/body';
import { generateSelfSigned, loadOrCreateCert } from '../../src/mock/cert';
import { generateValue } from '../../src/mock/generate';
import { rngFor } from '../../src/mock/random';
import { realmsOf } from '../../src/mock/handlers/realms';
import { type AclEntry, MockState, type MockStateData, type TaskRecord, dict, seedState } from '../../src/mock/state';
import { MockStateFileError, parseState } from '../../src/mock/state-file';
import { Tasks } from '../../src/mock/tasks';
import { base32Decode, totp, verifyTotp } from '../../src/mock/totp';
import { tempDir } from '../e2e/mock-helpers';

describe('mock certificate', () => {
  it('is a valid self-signed X.509 for localhost and the loopback addresses', () => {
    const { cert, key } = generateSelfSigned();
    const x = new X509Certificate(cert);
    expect(x.subject).toMatch(/CN=pvecli mock/);
    expect(x.subjectAltName).toMatch(/DNS:localhost/);
    expect(x.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(key).toMatch(/BEGIN PRIVATE KEY/);
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });

  it('is made once, kept 0600 and reused', () => {
    const dir = tempDir();
    const a = loadOrCreateCert(dir);
    const b = loadOrCreateCert(dir);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statSync(join(dir, 'mock-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'mock-cert.pem')).mode & 0o777).toBe(0o600);
  });
});

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 vectors', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(base32Decode(secret).toString()).toBe('12345678901234567890');
    expect(totp(secret, 59_000, 30, 8)).toBe('94287082');
    expect(totp(secret, 1_111_111_109_000, 30, 8)).toBe('07081804');
    expect(totp(secret, 20_000_000_000_000, 30, 8)).toBe('65353130');
  });
  it('accepts the neighbouring step', () => {
    const now = 1_700_000_000_000;
    expect(verifyTotp('JBSWY3DPEHPK3PXP', totp('JBSWY3DPEHPK3PXP', now - 30_000), now)).toBe(true);
    expect(verifyTotp('JBSWY3DPEHPK3PXP', totp('JBSWY3DPEHPK3PXP', now - 120_000), now)).toBe(false);
  });
});

describe('generator', () => {
  const schema = {
    type: 'object',
    properties: {
      n: { type: 'integer', minimum: 5, maximum: 7 },
      e: { type: 'string', enum: ['a', 'b'] },
      node: { type: 'string', format: 'pve-node' },
      short: { type: 'string', maxLength: 3 },
      list: { type: 'array', items: { type: 'number', minimum: 1, maximum: 2 } },
      opt: { type: 'string', optional: 1 },
    },
  };
  it('respects enum, limits and formats', () => {
    for (let seed = 0; seed < 50; seed++) {
      const v = generateValue(schema, { rng: rngFor(seed, '/x') }) as Record<string, unknown>;
      expect(v.n).toBeGreaterThanOrEqual(5);
      expect(v.n).toBeLessThanOrEqual(7);
      expect(['a', 'b']).toContain(v.e);
      expect(v.node).toBe('pve');
      expect(String(v.short).length).toBeLessThanOrEqual(3);
      for (const x of v.list as number[]) expect(x >= 1 && x <= 2).toBe(true);
    }
  });
  it('is deterministic for a seed and a path', () => {
    const a = generateValue(schema, { rng: rngFor(1, 'GET /a') });
    expect(generateValue(schema, { rng: rngFor(1, 'GET /a') })).toEqual(a);
  });
});

describe('request bodies', () => {
  it('parses forms strictly, repeated keys as arrays', () => {
    expect(parseForm('a=1&b=x+y&a=2&c=%2F')).toEqual({ a: ['1', '2'], b: 'x y', c: '/' });
    expect(() => parseForm('a=%zz')).toThrow(/malformed/);
  });
  it('parses JSON objects only', () => {
    expect(parseBody('application/json; charset=utf-8', '{"vmid":100,"start":true}', {})).toEqual({ vmid: 100, start: 1 });
    expect(() => parseBody('application/json', '[1]', {})).toThrow();
    expect(() => parseBody('application/json', '{', {})).toThrow(/malformed/);
  });
});

describe('permissions (acl.ts)', () => {
  const fresh = () => {
    const state = new MockState(undefined);
    state.data.acl = [];
    state.data.users['bob@pve'] = { userid: 'bob@pve', enable: 1, expire: 0, groups: ['auditors'], tokens: dict() };
    state.data.users['bob@pve'].tokens.ro = { secret: 'x', privsep: 1, expire: 0 };
    return state;
  };
  const bob: Identity = { userid: 'bob@pve' };
  const bobToken: Identity = { userid: 'bob@pve', tokenid: 'bob@pve!ro', privsep: true };
  const acl = (path: string, type: AclEntry['type'], ugid: string, roleid: string, propagate = 1): AclEntry => ({ path, type, ugid, roleid, propagate });

  it('propagates down the tree only from propagating entries', () => {
    const state = fresh();
    state.data.acl = [acl('/vms', 'user', 'bob@pve', 'PVEAuditor', 0)];
    expect(privilegesOn(state, bob, '/vms').has('VM.Audit')).toBe(true);
    expect(privilegesOn(state, bob, '/vms/100').has('VM.Audit')).toBe(false);
    state.data.acl[0].propagate = 1;
    expect(privilegesOn(state, bob, '/vms/100').has('VM.Audit')).toBe(true);
    expect(privilegesOn(state, bob, '/storage/local').has('Datastore.Audit')).toBe(false);
  });

  it('lets a deeper entry replace an upper one, a user entry beat a group entry, and NoAccess win', () => {
    const state = fresh();
    state.data.acl = [acl('/', 'group', 'auditors', 'PVEAuditor'), acl('/vms/100', 'user', 'bob@pve', 'PVEVMUser')];
    expect(privilegesOn(state, bob, '/vms/101').has('VM.PowerMgmt')).toBe(false);
    expect(privilegesOn(state, bob, '/vms/100').has('VM.PowerMgmt')).toBe(true);
    state.data.acl.push(acl('/vms/100', 'group', 'auditors', 'Administrator'));
    expect(privilegesOn(state, bob, '/vms/100').has('VM.Allocate')).toBe(false);
    state.data.acl.push(acl('/vms/100', 'user', 'bob@pve', 'NoAccess'));
    expect([...privilegesOn(state, bob, '/vms/100')]).toEqual([]);
  });

  it('grants the roles on /pool/{poolid} to the pool members, but not over NoAccess', () => {
    const state = fresh();
    state.data.acl = [acl('/pool/prod', 'user', 'bob@pve', 'PVEVMUser', 0)];
    expect(privilegesOn(state, bob, '/vms/100').has('VM.PowerMgmt')).toBe(true);
    expect(privilegesOn(state, bob, '/vms/102').has('VM.PowerMgmt')).toBe(false);
    state.data.acl.push(acl('/vms/100', 'user', 'bob@pve', 'NoAccess'));
    expect(privilegesOn(state, bob, '/vms/100').has('VM.PowerMgmt')).toBe(false);
    expect(privilegesOn(state, bob, '/vms/101').has('VM.PowerMgmt')).toBe(true);
  });

  it('gives a privilege-separated token what both it and its user have', () => {
    const state = fresh();
    state.data.acl = [acl('/vms/100', 'user', 'bob@pve', 'PVEVMUser'), acl('/vms', 'token', 'bob@pve!ro', 'PVEVMAdmin')];
    const privs = privilegesOn(state, bobToken, '/vms/100');
    expect(privs.has('VM.PowerMgmt')).toBe(true);
    expect(privs.has('VM.Allocate')).toBe(false);
    expect(privilegesOn(state, bobToken, '/vms/101').size).toBe(0);
    expect(privilegesOn(state, { ...bobToken, privsep: false }, '/vms/100')).toEqual(privilegesOn(state, bob, '/vms/100'));
  });

  it('lists the users a caller manages through a group', () => {
    const state = fresh();
    state.data.acl = [acl('/access/groups/admins', 'user', 'bob@pve', 'PVEUserAdmin')];
    expect(mayManageUser(state, bob, 'alice@pve', ['User.Modify'])).toBe(true);
    expect(mayManageUser(state, bob, 'auditor@pve', ['User.Modify'])).toBe(false);
  });
});

describe('state file', () => {
  it('names what is wrong, without quoting the file', () => {
    const bad = (text: string) => {
      try {
        parseState('/x/state.json', text);
      } catch (e) {
        expect(e).toBeInstanceOf(MockStateFileError);
        // The mock's error carries no exit code: mock serve (and the CLI) make it a usage error, exit 2.
        expect((serveError(e, '127.0.0.1', 0) as UsageError).exitCode).toBe(2);
        expect((serveError(e, '127.0.0.1', 0) as UsageError).message).toBe((e as Error).message);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('')).toBe('mock state file /x/state.json: is empty, not a mock state');
    expect(bad('{\n "secret": "s3cret-value",\n oops')).toMatch(/^mock state file \/x\/state\.json: not valid JSON \(line 3, column 2\)$/);
    expect(bad('{"secret": "s3cret-value" "x"')).not.toMatch(/s3cret/);
    expect(bad('[]')).toMatch(/not a mock state \(expected a JSON object\)/);
    expect(bad('{"version": 2}')).toMatch(/not a mock state of version 1 \(version: 2\)/);
    const seeded = JSON.parse(JSON.stringify(seedState()));
    expect(parseState('/x', JSON.stringify(seeded)).nodes).toEqual(['pve', 'pve2', 'pve3']);
    delete seeded.acl;
    expect(bad(JSON.stringify(seeded))).toMatch(/'acl' should be a list/);
  });

  it('reads a state saved before realms were kept: pam and pve are there', () => {
    const file = join(tempDir(), 'state.json');
    const old = seedState() as Partial<MockStateData>;
    delete old.realms;
    writeFileSync(file, JSON.stringify(old));
    expect(Object.keys(realmsOf(new MockState(file)))).toEqual(['pam', 'pve']);
  });
});

describe('task logs', () => {
  const task = (log: string[], extra: Partial<TaskRecord> = {}): TaskRecord => ({
    upid: 'UPID:pve:00001000:00100000:00000001:mocktask::root@pam:',
    node: 'pve',
    type: 'mocktask',
    id: '',
    user: 'root@pam',
    pid: 0x1000,
    pstart: 0x100000,
    starttime: 1,
    endsAt: 1000,
    exitstatus: 'OK',
    log,
    ...extra,
  });
  const lines = (tasks: Tasks, t: TaskRecord) => tasks.log(t, 0, 100_000).lines.map((l) => l.t);

  it('end with the one final line their exit status gives', () => {
    const tasks = new Tasks(new MockState(undefined), 10);
    expect(lines(tasks, task(['starting']))).toEqual(['starting', 'TASK OK']);
    expect(lines(tasks, task(['starting', 'WARN: w'], { exitstatus: 'WARNINGS: 1' }))).toEqual(['starting', 'WARN: w', 'TASK WARNINGS: 1']);
    expect(lines(tasks, task(['starting'], { exitstatus: 'boom' }))).toEqual(['starting', 'TASK ERROR: boom']);
    const generated = lines(tasks, task(['starting', 'WARN: w'], { exitstatus: 'WARNINGS: 1', logLines: 6 }));
    expect(generated).toEqual(['starting', 'progress line 1 of 3', 'progress line 2 of 3', 'progress line 3 of 3', 'WARN: w', 'TASK WARNINGS: 1']);
  });

  it('saved by older mocks with their final line are read without a second one', () => {
    const file = join(tempDir(), 'state.json');
    const old = seedState();
    old.tasks = [task(['starting', 'TASK OK']), task(['starting', 'TASK OK', 'received interrupt', 'TASK ERROR: interrupted by signal'], { exitstatus: 'unexpected status' })];
    writeFileSync(file, JSON.stringify(old));
    const state = new MockState(file);
    const tasks = new Tasks(state, 10);
    expect(lines(tasks, state.data.tasks[0])).toEqual(['starting', 'TASK OK']);
    expect(lines(tasks, state.data.tasks[1]).filter((l) => l.startsWith('TASK '))).toHaveLength(1);
  });
});

describe('mock serve --token', () => {
  it('parses USER@REALM!NAME=SECRET and never shows a secret when refusing one', () => {
    expect(parseTokenSpec('ci@pve!ci=s3=cret')).toEqual({ userid: 'ci@pve', name: 'ci', secret: 's3=cret' });
    const refused = (spec: string): UsageError => {
      try {
        parseTokenSpec(spec);
      } catch (e) {
        expect((e as Error).message).not.toMatch(/s3cret/);
        return serveError(e, '127.0.0.1', 0) as UsageError;
      }
      throw new Error('accepted');
    };
    expect(refused('ci@pve!ci').message).toBe("--token 'ci@pve!ci': expected USER@REALM!NAME=SECRET");
    const e = refused('ci@pve=s3cret');
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toMatch(/s3cret/);
  });
});

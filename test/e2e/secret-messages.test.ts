/**
 * A credential refused by validation is not repeated: not on the CLI's stdout or stderr (CI logs), with or without
 * --trace, from flags or --input; not in the mock's 400 reply to a client.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../../src/mock';
import { isolatedEnv, runCli } from '../helpers/cli';
import { request, tempDir, tokenHeader } from './mock-helpers';

const SHORT = 'Hunter7';
const LONG = `Hunter7${'q'.repeat(200)}`;

describe('secret values in validation errors', () => {
  it('a too-short password: the message names the problem, not the value', async () => {
    for (const extra of [[], ['--trace']]) {
      const r = await runCli(['create', '/access/users', '--userid', 'bob@pve', '--password', SHORT, '--dry-run', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('pvecli: --password: shorter than 8 characters');
      expect(r.stdout + r.stderr).not.toContain('Hunter7');
    }
  });

  it('the second word of an unquoted password is not repeated either', async () => {
    const r = await runCli(['create', '/access/users', '--userid', 'bob@pve', '--password', 'correct', 'Horse7battery', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pvecli: unexpected argument after --password\nhint: a value with spaces must be quoted\n');
    const plain = await runCli(['get', '/nodes', 'extra']);
    expect(plain.stderr).toMatch(/^pvecli: unexpected argument 'extra'/);
  });

  it('a too-long password from --input, and a confirmation password in the hint', async () => {
    const env = isolatedEnv();
    const input = join(env.HOME!, 'user.json');
    writeFileSync(input, JSON.stringify({ userid: 'bob@pve', password: LONG }));
    const r = await runCli(['create', '/access/users', '--input', input, '--dry-run'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pvecli: --password: longer than 64 characters');
    expect(r.stdout + r.stderr).not.toContain('Hunter7');

    const two = await runCli(['set', '/access/password', '--userid', 'bob@pve', '--password', SHORT, '--confirmation-password', 'Hunt', '--dry-run'], { env });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--confirmation-password: shorter than 5 characters');
    expect(two.stdout + two.stderr).not.toMatch(/Hunt/);
  });
});

describe('the mock does not echo a refused password', () => {
  const TOKEN = 'root@pam!t=secret';
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN] });
  });
  afterAll(async () => server?.close());

  it('400 with a per-parameter error that leaves the value out', async () => {
    for (const password of [SHORT, LONG]) {
      const r = await request(server.url, 'POST', '/access/users', { params: { userid: 'bob@pve', password }, headers: tokenHeader(TOKEN) });
      expect(r.status).toBe(400);
      // PVE's JSONSchema wording (check_prop), which repeats no value for these checks anyway.
      expect(r.body.errors?.password).toMatch(/^value (must be at least|may only be) \d+ characters long$/);
      expect(r.raw + r.statusText).not.toContain('Hunter7');
    }
  });
});

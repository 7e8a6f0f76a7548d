/**
 * Issue 17 through the real CLI, against a server that records every request: every check of an invocation comes
 * before sending (exit 2 and nothing sent), a failure only the reply can show exits 10 saying the request
 * succeeded, server text reaches a terminal escaped, an unwritable or unsafe config is a clear refusal.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/https-server';
import { hasPython, onTerminal } from '../helpers/terminal';

let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer({ open: true });
  env = isolatedEnv({ PROXMOX_API_URL: server.url, PROXMOX_API_FINGERPRINT: server.cert.fingerprint, PROXMOX_API_TOKEN_ID: 'root@pam!t', PROXMOX_API_TOKEN_SECRET: 'harden-secret',
    // Pinned: an unpinned run's first contact reads GET /version (DESIGN.md §2), and this file counts requests.
    PVECLI_SCHEMA: 'pve-9.2' });
});
afterAll(() => server.close());

const REFUSED: Array<[string[], Record<string, string>, RegExp]> = [
  [['create', '/pools', '--poolid', 'p1', '--query', '['], {}, /^pvecli: --query: Syntax error/],
  [['get', '/nodes', '--request-timeout', '1e9'], {}, /--request-timeout: '1e9' is more than 2147483 seconds/],
  [['create', '/nodes/pve/qemu/100/status/start', '--wait-timeout', '2147484'], {}, /--wait-timeout: '2147484' is more than/],
  [['get', '/nodes'], { PROXMOX_API_TIMEOUT: '1e9' }, /^pvecli: PROXMOX_API_TIMEOUT=1000000000 is more than/],
  [['get', '/nodes'], { PROXMOX_API_CONNECT_TIMEOUT: '1e9' }, /^pvecli: PROXMOX_API_CONNECT_TIMEOUT=/],
  [['get', '/nodes'], { PVECLI_MAX_REPLY_MB: '0' }, /PVECLI_MAX_REPLY_MB=0 must be more than 0/],
  [['get', '/nodes', '-o', 'xml'], {}, /--output-format: 'xml' is not one of/],
  [['get', '/nodes/pve/tasks/abc/status'], {}, /^pvecli: --upid: 'abc' is not a valid UPID/],
  [['create', '/pools', '--input', '/dev/zero'], {}, /--input: cannot read '\/dev\/zero': not a regular file/],
  [['create', '/access/users', '--userid', 'bob@pve', '--password', 'env:HARDEN_UNSET'], {}, /--password refers to env:HARDEN_UNSET, which is not set/],
];

describe('checked before anything is sent', () => {
  for (const [argv, extra, message] of REFUSED) {
    it(`exit 2: ${argv.join(' ')} ${JSON.stringify(extra)}`, async () => {
      const before = server.requests.length;
      const r = await runCli(argv, { env: { ...env, ...extra } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(server.requests.length).toBe(before);
    });
  }

  it('a --fields key the reply lacks: exit 10, the request is said to have succeeded', async () => {
    const before = server.requests.length;
    const r = await runCli(['create', '/pools', '--poolid', 'p1', '--fields', 'nosuch'], { env });
    expect(r.code, r.stderr).toBe(10);
    expect(r.stderr).toMatch(/^pvecli: POST \/pools succeeded, but its result cannot be shown: --fields: unknown field 'nosuch'/);
    expect(server.requests.length).toBe(before + 1);
  });

  it('a secret parameter from file: goes out as the file says, with no warning; a literal one is warned about', async () => {
    const file = join(env.HOME!, 'pw');
    writeFileSync(file, 'Corr3ct-horse\n');
    const r = await runCli(['create', '/access/users', '--userid', 'bob@pve', '--password', `file:${file}`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.at(-1)!.form.password).toBe('Corr3ct-horse');
    expect(r.stderr).toBe('');
    const literal = await runCli(['create', '/access/users', '--userid', 'bob@pve', '--password', 'Corr3ct-horse', '--dry-run'], { env });
    expect(literal.stderr).toMatch(/^pvecli: warning: --password given on the command line is visible to other users/);
    expect(literal.stderr).not.toContain('Corr3ct-horse');
  });
});

describe('files pvecli uses', () => {
  it('a config file or directory others can write is refused, naming it', async () => {
    const dir = join(env.HOME!, 'shared');
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'current: a\nprofiles:\n  a:\n    url: https://x:8006\n    token_id: a@pam!t\n    token_secret: env:S\n', { mode: 0o600 });
    const r = await runCli(['get', '/nodes', '--dry-run'], { env: isolatedEnv({ PROXMOX_CONFIG_FILE: config, S: 's' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`pvecli: refusing to use config file ${config}: it is in a directory writable by others`);
    chmodSync(dir, 0o755);
    chmodSync(config, 0o620);
    const group = await runCli(['get', '/nodes', '--dry-run'], { env: isolatedEnv({ PROXMOX_CONFIG_FILE: config, S: 's' }) });
    expect(group.stderr).toMatch(/it is writable by its group \(mode 0620\)/);
    chmodSync(config, 0o600);
    expect((await runCli(['get', '/nodes', '--dry-run'], { env: isolatedEnv({ PROXMOX_CONFIG_FILE: config, S: 's' }) })).code).toBe(0);
  });

  it('an unwritable state directory: the path and the reason, exit 2, no internal error', async () => {
    const blocker = join(env.HOME!, 'not-a-dir');
    writeFileSync(blocker, '');
    const r = await runCli(['mock', 'serve', '--port', '0'], { env: isolatedEnv({ XDG_STATE_HOME: join(blocker, 'state') }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pvecli: cannot write .*not-a-dir\/state\/pvecli: a part of the path is not a directory/m);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('secrets at rest and in the process list', () => {
  it('after profile add, a login and an API password from file:, no file under HOME and no command line holds a secret', async () => {
    const PASSWORD = 'harden-login-pw-0b5e';
    const API_PASSWORD = 'harden-api-pw-77c1';
    const login = await startTestServer({ users: { 'alice@pve': PASSWORD } });
    try {
      const home = isolatedEnv({ HARDEN_PW: PASSWORD });
      const add = await runCli(
        ['profile', 'add', 'lab', '--url', login.url, '--username', 'alice@pve', '--password', 'env:HARDEN_PW', '--fingerprint', login.cert.fingerprint],
        { env: home },
      );
      expect(add.code, add.stderr).toBe(0);
      const pwFile = join(home.HOME!, 'api-pw');
      writeFileSync(pwFile, API_PASSWORD);
      const cmdlines: string[] = [];
      const run = await runCli(['create', '/access/users', '--userid', 'bob@pve', '--password', `file:${pwFile}`], {
        env: home,
        onSpawn: (pid) => cmdlines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8')),
      });
      expect(run.code, run.stderr).toBe(0);
      expect(login.requests.at(-1)!.form.password).toBe(API_PASSWORD);
      const files = (readdirSync(home.HOME!, { recursive: true }) as string[]).map((f) => join(home.HOME!, f)).filter((f) => f !== pwFile && statSync(f).isFile());
      expect(files.some((f) => f.includes('ticket-lab'))).toBe(true);
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        expect(text, f).not.toContain(PASSWORD);
        expect(text, f).not.toContain(API_PASSWORD);
      }
      expect(cmdlines.join('\n')).not.toContain(API_PASSWORD);
      // (run.stdout is the test server's echo of the request, form included.)
      expect(run.stderr + add.stdout + add.stderr).not.toMatch(/harden-(login|api)-pw/);
    } finally {
      await login.close();
    }
  });
});

describe.skipIf(!hasPython)('server text on a terminal', () => {
  it("an error message's escape codes are shown escaped, not obeyed", async () => {
    server.script('GET', '/nodes/pve/status', [{ status: 400, reason: 'Parameter verification failed.', errors: { node: 'bad \x1b]0;pwned\x07 \x1b[2J' } }]);
    const out = await onTerminal(['get', '/nodes/pve/status'], env, []);
    expect(out).toContain('\\x1b]0;pwned\\x07');
    expect(out).not.toContain('\x1b]0;');
    expect(out).not.toContain('\x1b[2J');
  });
});

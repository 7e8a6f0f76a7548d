/**
 * Issue 16 item 9: `--trace` shows each exchange (method, URL, status, time, request and reply headers and bodies)
 * on stderr with every credential redacted and bodies cut with their size named; `--dry-run -o json` is the request
 * as data; `--dry-run=curl` is a curl command that, with the variables set, does what pvecli would.
 */
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { answer, FaultServer } from '../helpers/fault-server';
import { startTestMock, TEST_TOKEN_ID, TEST_TOKEN_SECRET } from '../helpers/mock';

type TestMock = Awaited<ReturnType<typeof startTestMock>>;
const DEMO_PASSWORD = 'pvecli-demo';
/** A Proxmox ticket's signed part, which must never be shown. */
const TICKET_TEXT = /PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]/;
const BIG = 'x'.repeat(20_000);

let mock: TestMock;
let faults: FaultServer;
beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 50 });
  faults = await new FaultServer({
    '/version': answer(200, 'OK', JSON.stringify({ data: BIG })),
    '/nodes': answer(200, 'OK', 'GIF89a\x00\x01', { 'content-type': 'image/gif' }),
  }).start();
});
afterAll(async () => {
  await mock.close();
  await faults.close();
});

/** The trace lines of a run, without their `trace: ` prefix. */
function traced(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('trace: '))
    .map((l) => l.slice('trace: '.length));
}

function passwordEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return mock.env({ PROXMOX_API_TOKEN_ID: undefined, PROXMOX_API_TOKEN_SECRET: undefined, PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: DEMO_PASSWORD, ...extra });
}

describe('--trace', () => {
  it('shows request line, headers and body, status and time, reply headers and body; the token secret never', async () => {
    const r = await runCli(['get', '/version', '--trace'], { env: mock.env() });
    expect(r.code, r.stderr).toBe(0);
    const lines = traced(r.stderr);
    expect(lines).toContain('> GET /api2/json/version HTTP/1.1');
    expect(lines).toContain(`> authorization: PVEAPIToken=${TEST_TOKEN_ID}=<redacted>`);
    expect(lines).toContain('> accept: application/json');
    expect(lines.some((l) => new RegExp(`^GET ${mock.url}/api2/json/version → 200 OK \\(\\d+ ms\\)$`).test(l))).toBe(true);
    expect(lines.some((l) => /^< content-type: application\/json/.test(l))).toBe(true);
    const body = lines.find((l) => l.startsWith('< body'));
    expect(body).toMatch(/^< body \(\d+ bytes\): \{"data":\{.*"version"/);
    // Order: the request, then the reply's status, headers and body.
    const at = (p: RegExp) => lines.findIndex((l) => p.test(l));
    expect(at(/^> GET /)).toBeLessThan(at(/^GET .* → 200/));
    expect(at(/^GET .* → 200/)).toBeLessThan(at(/^< content-type/));
    expect(at(/^< content-type/)).toBeLessThan(at(/^< body/));
    expect(r.stderr).not.toContain(TEST_TOKEN_SECRET);
    expect(JSON.parse((await runCli(['get', '/version', '--trace', '-o', 'json'], { env: mock.env() })).stdout)).toHaveProperty('version');
  });

  it('a password login: the password, the ticket, the CSRF token and the cookie redacted wherever they appear', async () => {
    const r = await runCli(['create', '/pools', '--poolid', 'traced1', '--trace'], { env: passwordEnv() });
    expect(r.code, r.stderr).toBe(0);
    const lines = traced(r.stderr);
    expect(lines).toContain('> POST /api2/json/access/ticket HTTP/1.1');
    expect(lines.find((l) => l.startsWith('> body') && l.includes('username='))).toMatch(/username=root%40pam&password=<redacted>/);
    const login = lines.find((l) => l.startsWith('< body') && l.includes('"ticket"'));
    expect(login).toMatch(/"ticket":"<redacted>"/);
    expect(login).toMatch(/"CSRFPreventionToken":"<redacted>"/);
    expect(lines).toContain('> cookie: PVEAuthCookie=<redacted>');
    expect(lines).toContain('> csrfpreventiontoken: <redacted>');
    expect(lines).toContain('> body (14 bytes): poolid=traced1');
    expect(r.stderr).not.toContain(DEMO_PASSWORD);
    expect(r.stderr).not.toMatch(TICKET_TEXT);
  });

  it("a new token's secret in the reply body is redacted in the trace (stdout is the result and has it)", async () => {
    const r = await runCli(['create', '/access/users/root@pam/token/traced', '--privsep', '0', '--trace', '-o', 'json'], { env: mock.env() });
    expect(r.code, r.stderr).toBe(0);
    const secret = (JSON.parse(r.stdout) as { value: string }).value;
    expect(secret.length).toBeGreaterThan(8);
    // The last reply is the token's (a first contact may read /version before it).
    expect(traced(r.stderr).filter((l) => l.startsWith('< body')).pop()).toMatch(/"value":"<redacted>"/);
    expect(r.stderr).not.toContain(secret);
  });

  it('bodies are cut at 4096 bytes with the total shown; a binary body is only counted', async () => {
    const env = isolatedEnv({ PROXMOX_API_URL: faults.url, PROXMOX_API_TOKEN_ID: 'a@pve!t', PROXMOX_API_TOKEN_SECRET: 'trace-secret-1' });
    const r = await runCli(['get', '/version', '--trace', '-o', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const total = JSON.stringify({ data: BIG }).length;
    const body = traced(r.stderr).find((l) => l.startsWith('< body'))!;
    expect(body.startsWith(`< body (${total} bytes, first 4096 shown): {"data":"xxx`)).toBe(true);
    expect(body.length).toBeLessThan(4096 + 80);
    expect(JSON.parse(r.stdout)).toBe(BIG);
    // Not the API's JSON (exit 7), but traced as it came.
    const bin = await runCli(['get', '/nodes', '--trace'], { env });
    expect(bin.code).toBe(7);
    expect(traced(bin.stderr)).toContain('< body (8 bytes, image/gif): not shown');
  });
});

describe('--dry-run', () => {
  it('-o json is the request as data: method, url, headers redacted, body; proxy named, its password masked', async () => {
    const env = mock.env({ PROXMOX_API_HTTPS_PROXY: 'http://squid:proxy-pw-1@proxy.example:3128' });
    const r = await runCli(['create', '/access/users', '--userid', 'dry@pve', '--password', 'env:DRY_PW', '--dry-run', '-o', 'json'], { env: { ...env, DRY_PW: 'dry-secret-1' } });
    expect(r.code, r.stderr).toBe(0);
    const request = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(request).toEqual({
      method: 'POST',
      url: `${mock.url}/api2/json/access/users`,
      headers: { accept: 'application/json', authorization: `PVEAPIToken=${TEST_TOKEN_ID}=<redacted>`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'userid=dry%40pve&password=<redacted>',
      proxy: 'http://squid:****@proxy.example:3128/',
    });
    expect(r.stdout + r.stderr).not.toMatch(/dry-secret-1|proxy-pw-1|4f1c2a9e/);
  });

  it('=curl: a runnable command; with the variables set it does what pvecli would (token and password login)', async () => {
    let curl = '';
    try {
      curl = execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();
    } catch {
      // no curl here: the command is still checked for its form below
    }
    const env = mock.env({ PROXMOX_API_FINGERPRINT: undefined, PROXMOX_API_VERIFY_SSL: 'false' });
    const comment = "it's \"quoted\" $HOME `x` !1";
    const r = await runCli(['create', '/pools', '--poolid', 'bycurl', '--comment', comment, '--dry-run=curl'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`-H "Authorization: PVEAPIToken=$PROXMOX_API_TOKEN_ID=$PROXMOX_API_TOKEN_SECRET"`);
    expect(r.stdout).toContain('--insecure');
    expect(r.stdout).not.toContain(TEST_TOKEN_SECRET);
    // No `!` outside single quotes (bash history expansion), no secret.
    expect(r.stdout.replace(/'[^']*'|\\./g, '')).not.toContain('!');
    const pinned = await runCli(['get', '/version', '--dry-run=curl'], { env: mock.env() });
    expect(pinned.stdout).toMatch(/^# .*pins the server certificate's SHA-256 fingerprint/m);
    expect(pinned.stdout).toMatch(/--pinnedpubkey takes a hash of the public key/);
    if (!curl) return;
    const run = (script: string, vars: Record<string, string>) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile('sh', ['-c', script], { env: { PATH: process.env.PATH, ...vars } }, (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }));
      });
    const sent = await run(r.stdout, { PROXMOX_API_TOKEN_ID: TEST_TOKEN_ID, PROXMOX_API_TOKEN_SECRET: TEST_TOKEN_SECRET });
    expect(sent).toEqual({ code: 0, stdout: '{"data":null}' });
    const pool = await runCli(['get', '/pools/bycurl', '-o', 'json'], { env: mock.env() });
    expect(JSON.parse(pool.stdout)).toMatchObject({ comment });

    const byPassword = await runCli(['delete', '/pools/bycurl', '--dry-run=curl'], { env: passwordEnv({ PROXMOX_API_FINGERPRINT: undefined, PROXMOX_API_VERIFY_SSL: 'false' }) });
    expect(byPassword.stdout).toMatch(/^# set PROXMOX_API_USERNAME, PROXMOX_API_PASSWORD before running this$/m);
    expect(byPassword.stdout).not.toContain(DEMO_PASSWORD);
    const deleted = await run(byPassword.stdout, { PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: DEMO_PASSWORD });
    expect(deleted.code).toBe(0);
    const gone = await runCli(['get', '/pools/bycurl'], { env: mock.env() });
    expect(gone.code).toBe(6);
  });

  it('=curl takes no other word; the text form is unchanged', async () => {
    const bad = await runCli(['get', '/version', '--dry-run=wget'], { env: mock.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option --dry-run takes no value or one of curl (got 'wget')");
    const text = await runCli(['get', '/nodes', '--dry-run'], { env: mock.env() });
    expect(text.stdout).toBe(`GET ${mock.url}/api2/json/nodes\naccept: application/json\nauthorization: PVEAPIToken=${TEST_TOKEN_ID}=<redacted>\n`);
  });
});

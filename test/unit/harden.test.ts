/**
 * Issue 17, in-process: a fault-injecting server against the HTTP core (huge reply, deep JSON, slow body, mid-body
 * close, escape codes in messages), bounded file reads, duration ranges, terminal escaping, UPID path values, the
 * config snapshot without secrets, and a failure after a sent request exiting 10 instead of 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { afterSuccess } from '../../src/cli/sent-errors';
import { readInput } from '../../src/cli/input';
import { parseSeconds } from '../../src/cli/seconds';
import { envReplyLimit } from '../../src/config/environment';
import { resolveConnection } from '../../src/config/resolve';
import { loadConfigSnapshot } from '../../src/config/snapshot';
import { ConfigFile } from '../../src/config/file';
import { coerceProfileValue } from '../../src/config/coerce';
import { CliError, ExitCode, UsageError } from '../../src/errors';
import { createClient, HttpError, type ConnectionSettings } from '../../src/http';
import { DEFAULT_MAX_REPLY_BYTES } from '../../src/http/settings';
import { escapeCell, escapeLine } from '../../src/output/escape';
import { render } from '../../src/output/render';
import { validateParams } from '../../src/params';
import { loadSchema } from '../../src/schema/load';
import { MockState } from '../../src/mock/state';
import { readBounded } from '../../src/util/bounded-read';
import { MAX_SECONDS } from '../../src/util/duration';
import { FaultServer, hugeBody, reply } from '../helpers/fault-server';

const dir = mkdtempSync(join(tmpdir(), 'pvecli-harden-'));
const ESC_TITLE = '\x1b]0;pwned\x07';
const ESC_CLEAR = '\x1b[2J';

let server: FaultServer;
beforeAll(async () => {
  server = await new FaultServer({
    '/huge': hugeBody(64 * 1024 * 1024),
    '/deep': (s) => s.end(reply(200, 'OK', `{"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)),
    '/slow': (s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"data":');
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(' ')), 50);
    },
    '/cut': (s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"data":[1,2,');
      setTimeout(() => s.destroy(), 20);
    },
    '/escape': (s) => s.end(reply(500, `boom ${ESC_TITLE}${ESC_CLEAR}`, `{"data":null,"errors":{"name":"bad ${ESC_CLEAR.replace('\x1b', '\\u001b')}"}}`)),
    '/described': (s) => s.end(reply(200, 'OK', JSON.stringify({ data: { description: `vm${ESC_TITLE}\nline2`, name: 'a' } }))),
  }).start();
});
afterAll(() => server.close());

function settings(over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return { url: server.url, service: 'PVE', pathPrefix: '', otpType: 'totp', verifyTls: true, tokenId: 'a@pam!t', tokenSecret: 's', timeout: 5, connectTimeout: 3, retries: 0, retryBackoff: 0, ...over };
}

async function failure(path: string, over: Partial<ConnectionSettings> = {}): Promise<HttpError> {
  const client = createClient(settings(over));
  try {
    const err = await client.request({ method: 'GET', path }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  } finally {
    await client.close();
  }
}

describe('a fault-injecting server', () => {
  it('a reply over the limit is a too-large error, and the rest of it is not read', async () => {
    const err = await failure('/huge', { maxReplyBytes: 1024 * 1024 });
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe('the reply to GET /huge is larger than 1 MiB; it was not read further');
    expect(err.details.hint).toMatch(/PVECLI_MAX_REPLY_MB/);
    expect(server.written).toBeLessThan(32 * 1024 * 1024);
    expect(DEFAULT_MAX_REPLY_BYTES).toBe(256 * 1024 * 1024);
  });

  it('JSON nested 100,000 deep is a clear error, not a stack overflow', async () => {
    const err = await failure('/deep');
    expect([err.kind, err.message]).toEqual(['too-large', 'the reply to GET /deep is JSON nested deeper than 512 levels']);
  });

  it('a body that trickles is cut by the request timeout', async () => {
    const err = await failure('/slow', { timeout: 0.3 });
    expect(err.kind).toBe('timeout');
  });

  it('a connection closed mid-body is a connection failure, not a parse error', async () => {
    const err = await failure('/cut');
    expect(err.kind).toBe('connect');
  });

  it("escape codes in a server's message arrive intact and are shown escaped on a terminal", async () => {
    const err = await failure('/escape');
    expect(err.message).toContain(ESC_TITLE);
    const shown = escapeLine(err.message);
    expect(shown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(shown).toContain('boom \\x1b]0;pwned\\x07\\x1b[2J');
    expect(escapeLine(err.paramErrors.name)).toBe('bad \\x1b[2J');
  });

  it('a description with escape codes: escaped in a table on a terminal, exact in JSON and to a pipe', async () => {
    const client = createClient(settings());
    const data = await client.request({ method: 'GET', path: '/described' });
    await client.close();
    const onTerminal = render(data, { format: 'text', escape: true, humanReadable: false });
    expect(onTerminal).not.toContain('\x1b');
    expect(onTerminal).toContain('vm\\x1b]0;pwned\\x07');
    expect(onTerminal).toContain('line2');
    expect(render(data, { format: 'text', escape: false })).toContain(ESC_TITLE);
    expect(JSON.parse(render(data, { format: 'json', escape: true }))).toEqual(data);
    expect(render(data, { format: 'yaml', escape: true })).not.toContain('\x1b');
  });
});

describe('escaping', () => {
  it('keeps tabs and line breaks in cells, shows every other control character', () => {
    expect(escapeCell('a\tb\nc\r\nd\x00\x7f\x9b')).toBe('a\tb\nc\r\nd\\x00\\x7f\\x9b');
    expect(escapeLine('a\rb\tc\nd')).toBe('a\\x0db\tc\nd');
    expect(escapeLine('plain ä 😀')).toBe('plain ä 😀');
  });
});

describe('bounded file reads', () => {
  it('refuses a FIFO without waiting for a writer, /dev/zero, a directory, and a file over the limit', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readBounded(fifo, { limit: 10, regularOnly: true })).toThrow('not a regular file');
    expect(() => readBounded('/dev/zero', { limit: 10, regularOnly: true })).toThrow('not a regular file');
    expect(() => readBounded(dir, { limit: 10, regularOnly: true })).toThrow('not a regular file');
    expect(() => readBounded('/dev/zero', { limit: 1024 })).toThrow('larger than 1 KiB');
    writeFileSync(join(dir, 'eleven'), '01234567890');
    expect(() => readBounded(join(dir, 'eleven'), { limit: 10 })).toThrow('larger than 10 bytes');
    expect(readBounded(join(dir, 'eleven'), { limit: 11 })).toBe('01234567890');
    expect(() => readBounded(join(dir, 'absent'), { limit: 10 })).toThrow('no such file');
  });

  it('--input: special files, deep nesting and junk are usage errors naming the file', () => {
    expect(() => readInput('/dev/zero')).toThrow("--input: cannot read '/dev/zero': not a regular file");
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => readInput(deep)).toThrow('--input: nested deeper than 512 levels');
  });

  it('the config file: a FIFO or /dev/zero is refused, not waited on or swallowed', () => {
    const fifo = join(dir, 'config-fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => ConfigFile.read(fifo)).toThrow(`cannot read config file ${fifo}: not a regular file`);
    expect(() => ConfigFile.read('/dev/zero')).toThrow('cannot read config file /dev/zero: not a regular file');
  });
});

describe('durations', () => {
  it('flags: positive and at most what a timer can wait', () => {
    expect(parseSeconds('request-timeout', '0.5')).toBe(0.5);
    expect(parseSeconds('request-timeout', String(MAX_SECONDS))).toBe(MAX_SECONDS);
    expect(() => parseSeconds('request-timeout', '1e9')).toThrow("--request-timeout: '1e9' is more than 2147483 seconds");
    expect(() => parseSeconds('wait-timeout', '2147484')).toThrow(UsageError);
    for (const bad of ['0', '-1', '', ' ', 'abc', 'Infinity', 'NaN']) expect(() => parseSeconds('wait-timeout', bad)).toThrow(UsageError);
  });

  it('environment and profile: the same range, 0 meaning no limit', async () => {
    const base = { HOME: dir, PROXMOX_CONFIG_FILE: join(dir, 'none.yaml'), PROXMOX_API_URL: 'https://x:8006', PROXMOX_API_TOKEN_ID: 'a@pam!t', PROXMOX_API_TOKEN_SECRET: 's' };
    const resolve = (env: Record<string, string>) => resolveConnection({}, { env: { ...base, ...env } });
    await expect(resolve({ PROXMOX_API_TIMEOUT: '1e9' })).rejects.toThrow('PROXMOX_API_TIMEOUT=1000000000 is more than 2147483 seconds');
    await expect(resolve({ PROXMOX_API_CONNECT_TIMEOUT: '1e9' })).rejects.toThrow(/^PROXMOX_API_CONNECT_TIMEOUT=/);
    await expect(resolve({ PROXMOX_API_RETRY_BACKOFF: '3e6' })).rejects.toThrow(/^PROXMOX_API_RETRY_BACKOFF=/);
    expect((await resolve({ PROXMOX_API_TIMEOUT: '0', PROXMOX_API_CONNECT_TIMEOUT: '2147483' })).settings).toMatchObject({ timeout: 0, connectTimeout: 2147483 });
    const config = join(dir, 'timeouts.yaml');
    writeFileSync(config, 'current: a\nprofiles:\n  a:\n    url: https://x:8006\n    token_id: a@pam!t\n    token_secret: env:S\n    timeout: 99999999\n', { mode: 0o600 });
    await expect(resolveConnection({}, { env: { HOME: dir, PROXMOX_CONFIG_FILE: config, S: 's' } })).rejects.toThrow("profile 'a': timeout must be at most 2147483 seconds");
  });

  it('a profile: the file and profile commands refuse a duration beyond the range, naming the key', () => {
    const path = join(dir, 'long.yaml');
    writeFileSync(path, 'profiles:\n  a:\n    url: https://x\n    connect_timeout: 1e9\n', { mode: 0o600 });
    expect(() => ConfigFile.read(path)).toThrow(`${path}:4: profile 'a': connect_timeout must be at most 2147483 seconds (about 24 days)`);
    writeFileSync(path, 'profiles:\n  a:\n    retry_backoff: "3000000"\n', { mode: 0o600 });
    expect(() => ConfigFile.read(path)).toThrow("profile 'a': retry_backoff must be at most 2147483 seconds");
    expect(coerceProfileValue('timeout', '2147483')).toBe(2147483);
    expect(() => coerceProfileValue('timeout', '2147484')).toThrow('timeout must be at most 2147483 seconds');
    expect(() => coerceProfileValue('timeout', '-1')).toThrow('timeout must be a non-negative number');
  });

  it('PVECLI_MAX_REPLY_MB: more than 0, at most 512', () => {
    expect(envReplyLimit({})).toBeUndefined();
    expect(envReplyLimit({ PVECLI_MAX_REPLY_MB: '1' })).toBe(1024 * 1024);
    for (const bad of ['0', '600', 'x', '-1']) expect(() => envReplyLimit({ PVECLI_MAX_REPLY_MB: bad })).toThrow(UsageError);
  });
});

describe('checked before sending', () => {
  const pve = loadSchema('pve-9.2');
  const status = pve.operation('/nodes/{node}/tasks/{upid}/status', 'GET')!;

  it('a {upid} path value must look like a UPID (PVE and PBS forms)', () => {
    expect(validateParams(pve, status, { node: 'pve', upid: 'abc' })).toEqual([{ param: 'upid', message: "'abc' is not a valid UPID (UPID:node:pid:pstart:starttime:type:id:user:)" }]);
    expect(validateParams(pve, status, { node: 'pve', upid: 'UPID:pve:0000A1B2:00C0FFEE:6553F00D:qmstart:100:root@pam:' })).toEqual([]);
    expect(validateParams(pve, status, { node: 'pve', upid: 'UPID:pbs:000004D2:00000457:00000002:6553F00D:backup:store1\\x3avm-100:root@pam!t:' })).toEqual([]);
    expect(validateParams(pve, status, { node: 'pve', upid: 'UPID:pve:0000A1B2:00C0FFEE:6553F00D:qmstart:100:root@pam' })).toHaveLength(1);
  });

  it('a usage failure after the request went out exits 10 and says the request succeeded', () => {
    const err = afterSuccess(new UsageError("--fields: unknown field 'x'", 'valid: a, b'), 'POST /pools') as CliError;
    expect([err.exitCode, err.message, err.hint]).toEqual([ExitCode.resultUnshown, "POST /pools succeeded, but its result cannot be shown: --fields: unknown field 'x'", 'valid: a, b']);
    const other = new CliError('task failed', ExitCode.taskFailed);
    expect(afterSuccess(other, 'POST /pools')).toBe(other);
  });
});

describe('secrets at rest', () => {
  it('the mock removes temp state files that killed writers left (they hold token secrets), keeping a live one', () => {
    const stateDir = mkdtempSync(join(dir, 'state-'));
    const file = join(stateDir, 'mock-state.json');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const orphan = join(stateDir, `.mock-state.json.${dead}.x1.tmp`);
    const live = join(stateDir, `.mock-state.json.${process.pid}.x2.tmp`);
    writeFileSync(orphan, '{"secret":"orphan-token-secret"}');
    writeFileSync(live, '{}');
    new MockState(file);
    expect([existsSync(orphan), existsSync(live), existsSync(file)]).toEqual([false, true, true]);
  });

  it('the config snapshot cache never holds a literal secret, and an old one that did is removed', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const env = { HOME: home };
    const cache = join(home, '.cache/pvecli/config-snapshot.json');
    const past = new Date(Date.now() - 60_000);
    const config = join(home, 'config.yaml');
    writeFileSync(config, 'current: a\nprofiles:\n  a:\n    url: https://x\n    token_secret: env:SECRET\n', { mode: 0o600 });
    utimesSync(config, past, past);
    const load = () => loadConfigSnapshot(config, env, () => ({ ...ConfigFile.read(config).snapshot(), mode: 0o600 }))!;
    load();
    expect(readFileSync(cache, 'utf8')).toContain('env:SECRET');
    writeFileSync(config, 'current: a\nprofiles:\n  a:\n    url: https://x\n    token_secret: literal-s3cret-value\n', { mode: 0o600 });
    utimesSync(config, past, past);
    expect(load().profiles[0][1].token_secret).toBe('literal-s3cret-value');
    expect(existsSync(cache)).toBe(false);
  });
});

/**
 * The pure parts of issue 13's client side and issue 16's trace and dry run: what an error body says, which
 * Proxmox messages mean "does not exist", how trace lines redact, and the curl command's words.
 */
import { describe, expect, it } from 'vitest';
import { bodyMessage, MESSAGE_LIMIT, oneLine } from '../../src/http/reply-message';
import { saysNotFound } from '../../src/http/not-found';
import { replyError } from '../../src/http/errors';
import { Redactor } from '../../src/http/redact';
import { bodyLine, headerLines, redactBody, TRACE_BODY_LIMIT, traceHeaderValue } from '../../src/http/trace';
import { cliErrorOf } from '../../src/cli/http-errors';
import { curlCommand, dryRunData, dryRunForm } from '../../src/cli/dry-run';
import type { ConnectionSettings } from '../../src/config/types';

describe('the message of an error body', () => {
  it('reads Proxmox, FastAPI, other gateways, text and HTML', () => {
    expect(bodyMessage('{"data":null,"message":"VM 100 not running\\n"}')).toEqual({ message: 'VM 100 not running', paramErrors: {} });
    expect(bodyMessage('{"data":null,"errors":{"vmid":"bad"}}')).toEqual({ message: undefined, paramErrors: { vmid: 'bad' } });
    expect(bodyMessage('{"detail":"VM 404 not found"}').message).toBe('VM 404 not found');
    expect(bodyMessage('{"detail":[{"loc":["body","memory"],"msg":"not an integer"},{"loc":["body"],"msg":"bad body"}]}')).toEqual({
      message: 'body: bad body',
      paramErrors: { memory: 'not an integer' },
    });
    expect(bodyMessage('{"error":{"message":"upstream gone"}}').message).toBe('upstream gone');
    expect(bodyMessage('{"error":"denied"}').message).toBe('denied');
    expect(bodyMessage('\n\nvmid 151 already exists\nmore', 'text/plain').message).toBe('vmid 151 already exists');
    expect(bodyMessage('<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>').message).toBe('502 Bad Gateway');
    expect(bodyMessage('<html><body><h1>Tom &amp; Jerry</h1></body></html>', 'text/html').message).toBe('Tom & Jerry');
    expect(bodyMessage('<html><body>nothing</body></html>', 'text/html').message).toBeUndefined();
    expect(bodyMessage('').message).toBeUndefined();
    expect(bodyMessage('[1,2]').message).toBeUndefined();
    expect(bodyMessage('"just a string"').message).toBe('just a string');
  });

  it('is one line without control characters or escape sequences, and bounded', () => {
    expect(oneLine('a\x1b[2Jb\x1b]0;title\x07c\r\nd\u009b1me')).toBe('a b c d e');
    const long = oneLine('x'.repeat(1000));
    expect(long).toHaveLength(MESSAGE_LIMIT);
    expect(long.endsWith('…')).toBe(true);
    expect(bodyMessage('y'.repeat(5000), 'text/plain').message).toHaveLength(MESSAGE_LIMIT);
  });

  it('prefers the body to the reason phrase; keeps the reason phrase when the body says nothing', () => {
    expect(replyError({ status: 400, reason: 'Bad Request', body: 'vmid 151 already exists', contentType: 'text/plain' }, 'POST /x').message).toBe(
      'vmid 151 already exists (400, POST /x)',
    );
    expect(replyError({ status: 500, reason: "pool 'p' does not exist", body: '{"data":null}' }, 'GET /pools/p').message).toBe("pool 'p' does not exist (500, GET /pools/p)");
    expect(replyError({ status: 502, reason: '', body: '' }, 'GET /x').message).toBe('HTTP 502 (502, GET /x)');
  });
});

describe("Proxmox's 'does not exist' replies", () => {
  const exit = (status: number, reason: string) => (cliErrorOf(replyError({ status, reason, body: '{"data":null}' }, 'GET /x')) as { exitCode: number }).exitCode;

  it('are exit 6 on HTTP 500, as a 404 is', () => {
    for (const message of [
      "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist",
      "unable to find configuration file for VM 999 on node 'pve'",
      "no such user ('x@pve')",
      "no such token 'ci' for user 'root@pam'",
      "no such VM ('999')",
      "pool 'x' does not exist",
      "storage 'x' does not exist",
      "role 'Nope' does not exist",
      "group 'g' does not exist",
      "snapshot 'snap1' does not exist",
      "auth domain 'corp' does not exist",
      "volume 'local:iso/x.iso' does not exist",
      'volume local:100/vm-100-disk-0.raw does not exist',
      "resource 'vm:100' does not exist in cluster",
      "no such replication job '100-0'",
      'no such task',
      "mapping 'gpu' not found",
      "update auth server failed: domain 'nope' does not exist",
      "delete auth server failed: authentication domain 'sso' does not exist",
    ]) {
      expect(saysNotFound(message), message).toBe(true);
      expect(exit(500, message), message).toBe(6);
    }
    expect(exit(404, 'Not Found')).toBe(6);
  });

  it('not when something else is missing, nor on another status', () => {
    for (const message of [
      "unable to activate storage 'nfs' - directory '/mnt/pve/nfs' does not exist",
      "no such option 'foo'",
      'VM 100 not running',
      "can't rollback, snapshot 'x' does not exist on 'y'",
      'vmid 100 already exists',
      "create user failed: auth domain 'nowhere' does not exist",
    ]) {
      expect(saysNotFound(message), message).toBe(false);
      expect(exit(500, message), message).toBe(7);
    }
    expect(exit(400, "pool 'x' does not exist")).toBe(7);
  });
});

describe('trace lines', () => {
  const redactor = new Redactor();
  redactor.add('known-secret-1');

  it('keep what identifies a credential, never its secret', () => {
    expect(traceHeaderValue('Authorization', 'PVEAPIToken=root@pam!ci=abc-def', redactor)).toBe('PVEAPIToken=root@pam!ci=<redacted>');
    expect(traceHeaderValue('authorization', 'PBSAPIToken=root@pam!ci:abc-def', redactor)).toBe('PBSAPIToken=root@pam!ci:<redacted>');
    expect(traceHeaderValue('authorization', 'Basic dXNlcjpwdw==', redactor)).toBe('Basic <redacted>');
    expect(traceHeaderValue('cookie', 'PVEAuthCookie=PVE:root@pam:65A1B2C3::sig; other=1', redactor)).toBe('PVEAuthCookie=<redacted>; other=<redacted>');
    expect(traceHeaderValue('CSRFPreventionToken', '65A1B2C3:abc', redactor)).toBe('<redacted>');
    expect(traceHeaderValue('x-note', 'has known-secret-1 in it', redactor)).toBe('has <redacted> in it');
    expect(headerLines('<', { 'set-cookie': ['a=1', 'b=2'], server: 'x' }, redactor)).toEqual(['< set-cookie: a=<redacted>', '< set-cookie: b=<redacted>', '< server: x']);
  });

  it('redact secret fields of JSON and form bodies, tickets anywhere, and a token secret in a reply', () => {
    expect(redactBody('{"data":{"ticket":"PVE:root@pam:65A1B2C3::c2ln","CSRFPreventionToken":"65A1B2C3:x","username":"root@pam"}}', '/api2/json/access/ticket', redactor)).toBe(
      '{"data":{"ticket":"<redacted>","CSRFPreventionToken":"<redacted>","username":"root@pam"}}',
    );
    expect(redactBody('note PVE:root@pam:65A1B2C3::c2lnbmF0dXJl end', '/x', redactor)).toBe('note PVE:root@pam:65A1B2C3::<redacted> end');
    expect(redactBody('userid=a%40pve&password=hunter2', '/access/users', redactor, 'application/x-www-form-urlencoded')).toBe('userid=a%40pve&password=<redacted>');
    expect(redactBody('{"value":"tok-secret","full-tokenid":"a@pve!t"}', '/api2/json/access/users/a@pve/token/t', redactor)).toBe('{"value":"<redacted>","full-tokenid":"a@pve!t"}');
    // A secret cut off by the truncation is still hidden.
    expect(redactBody('{"password":"hunter', '/x', redactor)).toBe('{"password":"<redacted>');
  });

  it('cut a body at the limit and name its size', () => {
    const big = Buffer.from('{"data":"' + 'z'.repeat(10_000) + '"}');
    const line = bodyLine('<', big.subarray(0, TRACE_BODY_LIMIT), big.length, 'application/json', '/x', redactor);
    expect(line.startsWith(`< body (${big.length} bytes, first ${TRACE_BODY_LIMIT} shown): {"data":"zzz`)).toBe(true);
    expect(bodyLine('<', Buffer.from('a\nb'), 3, 'text/plain', '/x', redactor)).toBe('< body (3 bytes): a\\nb');
    expect(bodyLine('<', Buffer.alloc(0), 0, 'application/json', '/x', redactor)).toBe('< body: empty');
    expect(bodyLine('<', Buffer.from('ab'), 9, 'application/json', '/x', redactor, false)).toBe('< body (9 bytes read, not to the end, first 2 shown): ab');
  });
});

describe('the dry run', () => {
  const base: ConnectionSettings = {
    profile: 'lab',
    url: 'https://pve.example:8006',
    service: 'PVE',
    pathPrefix: '',
    otpType: 'totp',
    verifyTls: true,
    timeout: 30,
    connectTimeout: 10,
    retries: 0,
    retryBackoff: 0.5,
    cacheDir: '/tmp',
    tokenId: 'root@pam!ci',
    tokenSecret: 'never-printed',
  };

  it('chooses its form from --dry-run=curl and -o', () => {
    expect(dryRunForm({ dryRun: 'curl', outputFormat: 'json' })).toBe('curl');
    expect(dryRunForm({ dryRun: true, outputFormat: 'json' })).toBe('data');
    expect(dryRunForm({ dryRun: true })).toBe('text');
    expect(Object.keys(dryRunData({ method: 'GET', url: 'u', headers: {}, proxy: 'p' }))).toEqual(['method', 'url', 'headers', 'proxy']);
  });

  it('as curl: parameters one a line, secrets from variables, trust and proxy as curl takes them', () => {
    const post = curlCommand({
      settings: { ...base, caFile: "/etc/ssl/my ca's.pem" },
      request: { method: 'POST', path: '/access/users', params: { userid: 'a@pve', password: 'hunter2', groups: ['g1', 'g2'] } },
      env: {},
    });
    expect(post).toBe(
      [
        '# set PROXMOX_API_TOKEN_ID, PROXMOX_API_TOKEN_SECRET, PASSWORD before running this',
        'curl --silent --show-error --fail-with-body \\',
        '  -X POST \\',
        '  https://pve.example:8006/api2/json/access/users \\',
        "  -H 'Accept: application/json' \\",
        "  --cacert '/etc/ssl/my ca'\\''s.pem' \\",
        '  -H "Authorization: PVEAPIToken=$PROXMOX_API_TOKEN_ID=$PROXMOX_API_TOKEN_SECRET" \\',
        '  --data-urlencode userid=a@pve \\',
        '  --data-urlencode password="$PASSWORD" \\',
        '  --data-urlencode groups=g1 \\',
        '  --data-urlencode groups=g2',
        '',
      ].join('\n'),
    );
    expect(post).not.toContain('never-printed');
    expect(post).not.toContain('hunter2');
    const get = curlCommand({
      settings: { ...base, service: 'PBS', verifyTls: false },
      request: { method: 'GET', path: '/admin/datastore', params: { a: 'b c' } },
      proxy: 'http://squid:****@proxy.example:3128/',
      env: {},
    });
    expect(get).toContain("--get \\\n  https://pve.example:8006/api2/json/admin/datastore");
    expect(get).toContain('-H "Authorization: PBSAPIToken=$PROXMOX_API_TOKEN_ID:$PROXMOX_API_TOKEN_SECRET"');
    expect(get).toContain('--insecure');
    expect(get).toContain("--proxy http://proxy.example:3128/ \\\n  --proxy-user squid:\"$PROXY_PASSWORD\"");
    expect(get).toContain("--data-urlencode 'a=b c'");
    const direct = curlCommand({ settings: base, request: { method: 'GET', path: '/version' }, env: { HTTPS_PROXY: 'http://p:3128' } });
    expect(direct).toContain("--noproxy '*'");
    expect(direct).not.toContain('--get');
    const upload = curlCommand({
      settings: base,
      request: { method: 'POST', path: '/nodes/pve/storage/local/upload', params: { content: 'iso', filename: './a;b "c".iso' } },
      upload: { file: 'filename', fields: ['content'] },
      env: {},
    });
    expect(upload).toContain("--form-string content=iso \\\n  --form 'filename=@\"./a;b \\\"c\\\".iso\"'");
    const mockRun = curlCommand({ settings: { ...base, url: 'https://embedded-mock.invalid:8006' }, request: { method: 'GET', path: '/version' }, env: {} });
    expect(mockRun).toMatch(/^# the built-in mock runs only inside pvecli: for curl, start one with 'pvecli mock serve'/m);
  });
});

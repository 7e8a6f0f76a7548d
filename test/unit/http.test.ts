/** Pure parts of the HTTP core: encoding, NO_PROXY, fingerprints, retry timing, TFA tickets, redaction, error mapping. */
import { describe, expect, it } from 'vitest';
import { tokenAuthorization } from '../../src/http/auth';
import { cliErrorOf } from '../../src/cli/http-errors';
import { HttpError, replyError } from '../../src/http/errors';
import { bypassedByNoProxy, resolveProxy } from '../../src/http/proxy';
import { Redactor, isSecretParam, redactForm } from '../../src/http/redact';
import { backoffMs, retryAfterMs } from '../../src/http/retry';
import { ticketState } from '../../src/http/ticket';
import { needsSecondFactor, offeredFactors, parseChallenge } from '../../src/http/tfa';
import { normalizeFingerprint, tlsPolicy } from '../../src/http/tls';
import { apiUrl, encodeParams, encodePath } from '../../src/http/url';

describe('url', () => {
  it('encodes paths per segment, keeping UPIDs and user@realm readable', () => {
    expect(encodePath('/nodes/pve/tasks/UPID:pve:0001:00:65A0:qmstart:100:root@pam:/log')).toBe('/nodes/pve/tasks/UPID:pve:0001:00:65A0:qmstart:100:root@pam:/log');
    expect(encodePath('/storage/a b/%x?#')).toBe('/storage/a%20b/%25x%3F%23');
  });
  it('keeps escapes already present, so a resolved path is never encoded twice', () => {
    expect(encodePath('/nodes/pve/storage/local/content/local:iso%2Fx.iso')).toBe('/nodes/pve/storage/local/content/local:iso%2Fx.iso');
    expect(encodePath('/pools/100%')).toBe('/pools/100%25');
    expect(encodePath('/pools/é')).toBe('/pools/%C3%A9');
  });
  it('encodes params with repeated keys', () => {
    expect(encodeParams({ a: 'x y&z', l: ['1', '2'] })).toBe('a=x%20y%26z&l=1&l=2');
  });
  it('joins url, prefix and /api2/json', () => {
    expect(apiUrl({ url: 'https://h:8006/', pathPrefix: '' }, '/version').href).toBe('https://h:8006/api2/json/version');
    expect(apiUrl({ url: 'https://h', pathPrefix: 'pve/' }, '/version', 'a=1').href).toBe('https://h/pve/api2/json/version?a=1');
  });
});

describe('proxy selection', () => {
  const t = new URL('https://pve.example.com:8006');
  it('prefers the explicit proxy, then https_proxy, then http_proxy', () => {
    expect(resolveProxy(t, 'http://p:3128', { HTTPS_PROXY: 'http://other:1' })?.host).toBe('p:3128');
    expect(resolveProxy(t, undefined, { HTTPS_PROXY: 'http://a:1', HTTP_PROXY: 'http://b:2' })?.host).toBe('a:1');
    expect(resolveProxy(t, undefined, { http_proxy: 'b:2' })?.host).toBe('b:2');
    expect(resolveProxy(t, undefined, {})).toBeUndefined();
  });
  it('honours NO_PROXY for environment proxies', () => {
    expect(resolveProxy(t, undefined, { HTTPS_PROXY: 'http://a:1', NO_PROXY: '.example.com' })).toBeUndefined();
    expect(resolveProxy(t, undefined, { HTTPS_PROXY: 'http://a:1', no_proxy: 'other.com' })?.host).toBe('a:1');
  });
  it('honours NO_PROXY for the explicit proxy too (PROXMOX_API_*_PROXY, a profile\'s proxy)', () => {
    expect(resolveProxy(t, 'http://p:3128', { NO_PROXY: 'pve.example.com' })).toBeUndefined();
    expect(resolveProxy(t, 'http://p:3128', { no_proxy: '*.example.com:8006' })).toBeUndefined();
    expect(resolveProxy(new URL('https://127.0.0.1:8006'), 'http://127.0.0.1:18888', { NO_PROXY: '127.0.0.1' })).toBeUndefined();
    expect(resolveProxy(t, 'http://p:3128', { NO_PROXY: 'other.com,pve.example.com:9999' })?.host).toBe('p:3128');
    // A bypassed proxy is not used, so a malformed one does not stop the request either.
    expect(resolveProxy(t, 'socks5://p:1080', { NO_PROXY: '*' })).toBeUndefined();
  });
  it('matches NO_PROXY entries', () => {
    const m = (url: string, list: string) => bypassedByNoProxy(new URL(url), list);
    expect(m('https://pve.example.com:8006', 'example.com')).toBe(true);
    expect(m('https://pve.example.com:8006', '*.example.com')).toBe(true);
    expect(m('https://example.com:8006', '.example.com')).toBe(true);
    expect(m('https://badexample.com:8006', 'example.com')).toBe(false);
    expect(m('https://h:8006', 'h:8007')).toBe(false);
    expect(m('https://h:8006', 'h:8006')).toBe(true);
    expect(m('https://10.1.2.3:8006', '10.0.0.0/8')).toBe(true);
    expect(m('https://11.1.2.3:8006', '10.0.0.0/8')).toBe(false);
    expect(m('https://[::1]:8006', '::1')).toBe(true);
    expect(m('https://anything:1', '*')).toBe(true);
  });
  it('rejects non-http proxy schemes with a message naming the proxy', () => {
    expect(() => resolveProxy(t, 'socks5://p:1080')).toThrow(/proxy/);
  });
});

describe('tls', () => {
  it('normalises fingerprints', () => {
    const fp = 'AB:'.repeat(31) + 'AB';
    expect(normalizeFingerprint('ab'.repeat(32))).toBe(fp);
    expect(normalizeFingerprint(fp.toLowerCase())).toBe(fp);
    expect(normalizeFingerprint('sha256:' + 'ab'.repeat(32))).toBe(fp);
    expect(normalizeFingerprint('abc')).toBeUndefined();
  });
});

describe('retry timing', () => {
  it('doubles the backoff and caps it at 30 s', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(0.5, n))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(10, 5)).toBe(30_000);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000 + 5000).toUTCString(), 10_000)).toBe(5000);
    expect(retryAfterMs('999')).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('tickets and TFA', () => {
  const t = (ageMin: number) => ({ url: '', service: 'PVE' as const, username: '', ticket: '', csrfToken: '', obtainedAt: Date.now() - ageMin * 60_000 });
  it('reuses, renews, or drops a cached ticket by age', () => {
    expect(ticketState(t(10))).toBe('fresh');
    expect(ticketState(t(100))).toBe('renew');
    expect(ticketState(t(118))).toBe('expired');
    expect(ticketState(t(-5))).toBe('expired');
  });
  it('recognises a pending second factor and decodes the offer', () => {
    const partial = `PVE:!tfa!${encodeURIComponent(JSON.stringify({ totp: true, recovery: 'available', webauthn: { challenge: 'x' } }))}:sig`;
    expect(needsSecondFactor({ ticket: partial })).toBe(true);
    expect(needsSecondFactor({ ticket: 'PVE:root@pam:65A0::sig', NeedTFA: 1 })).toBe(true);
    expect(needsSecondFactor({ ticket: 'PVE:root@pam:65A0::sig' })).toBe(false);
    expect(offeredFactors(parseChallenge(partial))).toEqual(['totp', 'recovery', 'webauthn']);
  });
  it('formats API token headers per service', () => {
    expect(tokenAuthorization('PVE', 'u@pam!t', 's')).toBe('PVEAPIToken=u@pam!t=s');
    expect(tokenAuthorization('PBS', 'u@pbs!t', 's')).toBe('PBSAPIToken=u@pbs!t:s');
  });
});

describe('redaction and errors', () => {
  it('blanks known secrets in raw and URL-encoded form, and secret-named params', () => {
    const r = new Redactor();
    r.add('PVE:root@pam:65A0::abc+/=');
    expect(r.redact('cookie PVE:root@pam:65A0::abc+/= and PVE%3Aroot%40pam%3A65A0%3A%3Aabc%2B%2F%3D')).toBe('cookie <redacted> and <redacted>');
    expect(redactForm('vmid=1&password=x&new-password=y')).toBe('vmid=1&password=<redacted>&new-password=<redacted>');
    expect(r.url(new URL('https://h/api2/json/x?ticket=abc&a=1'))).toBe('https://h/api2/json/x?ticket=<redacted>&a=1');
  });
  it('redacts every credential-bearing parameter of the bundled schemas, and nothing that only looks like one', () => {
    const secret = ['token', 'keyring', 'encryption-key', 'eab-hmac-key', 'eab_hmac_key', 'key', 'secret-key', 'totp', 'cipassword', 'otp', 'vncticket'];
    for (const name of secret) expect(isSecretParam(name), name).toBe(true);
    for (const name of ['tokenid', 'hotplug', 'generate-password', 'master-pubkey', 'sshkeys', 'data', 'value', 'keyboard']) {
      expect(isSecretParam(name), name).toBe(false);
    }
    expect(isSecretParam('data', '/cluster/acme/plugins/cf')).toBe(true);
    expect(isSecretParam('value', '/access/tfa/root@pam')).toBe(true);
    expect(redactForm('server=g&token=GotifyTok123', '/cluster/notifications/endpoints/gotify')).toBe('server=g&token=<redacted>');
  });
  it('a bad fingerprint is a settings error of the core, a usage error (exit 2) of the CLI', () => {
    const err = (() => {
      try {
        tlsPolicy({ verifyTls: true, fingerprint: 'AB:CD' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('settings');
    expect((cliErrorOf(err) as { exitCode: number }).exitCode).toBe(2);
    expect(tlsPolicy({ verifyTls: true, ca: 'PEM' })).toEqual({ verify: true, ca: 'PEM' });
    expect(tlsPolicy({ verifyTls: true, ca: 'PEM', fingerprint: 'ab'.repeat(32) }).ca).toBeUndefined();
  });
  it('maps replies to a kind and status (core) and to exit codes (CLI), with the reason phrase and parameter errors', () => {
    const raw = (status: number, reason: string, body = '') => replyError({ status, reason, body }, 'GET /x');
    const reply = (status: number, reason: string, body = '') => cliErrorOf(raw(status, reason, body)) as { exitCode: number; message: string; hint?: string; paramErrors: Record<string, string> };
    const core = raw(400, 'Parameter verification failed.', JSON.stringify({ data: null, errors: { vmid: 'bad' } }));
    expect([core.kind, core.status, 'exitCode' in core]).toEqual(['reply', 400, false]);
    expect(raw(401, 'no ticket').kind).toBe('auth');
    const e = reply(400, 'Parameter verification failed.', JSON.stringify({ data: null, errors: { vmid: 'bad' } }));
    expect([e.exitCode, e.message, e.hint, e.paramErrors]).toEqual([7, 'Parameter verification failed. (400, GET /x)', 'vmid: bad', { vmid: 'bad' }]);
    expect(reply(401, 'no ticket').exitCode).toBe(4);
    expect(reply(403, 'Permission check failed').exitCode).toBe(5);
    expect(reply(404, 'Not Found').exitCode).toBe(6);
    expect(reply(500, 'VM 100 not running').message).toContain('VM 100 not running');
    expect(reply(596, '').message).toContain('HTTP 596');
  });
});

describe('second factor answer', () => {
  it('uses the configured type, or the one the server offers, and refuses webauthn', async () => {
    const { secondFactorAnswer } = await import('../../src/http/tfa');
    const base = { username: 'u@pve' };
    expect(await secondFactorAnswer({ ...base, otp: '123456', otpType: 'totp', challenge: { totp: true } })).toBe('totp:123456');
    expect(await secondFactorAnswer({ ...base, otp: 'KEY', otpType: 'totp', challenge: { recovery: 'available' } })).toBe('recovery:KEY');
    expect(await secondFactorAnswer({ ...base, otp: 'recovery:KEY', otpType: 'totp' })).toBe('recovery:KEY');
    await expect(secondFactorAnswer({ ...base, otp: 'x', otpType: 'totp', challenge: { webauthn: {} } })).rejects.toMatchObject({ kind: 'auth' });
    await expect(secondFactorAnswer({ ...base, otpType: 'totp', challenge: { totp: true } })).rejects.toThrow(/PROXMOX_API_OTP|two-factor/);
  });
});

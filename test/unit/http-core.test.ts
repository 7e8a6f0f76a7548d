/**
 * The HTTP core as a library (what the gateway uses): a raw exchange with status, headers and a streamed body,
 * errors with a kind and a status but no exit code, no prompts without hooks, one login shared by concurrent
 * requests through the in-memory ticket store, and the socket failures' kinds.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, HttpError, readText, type ConnectionSettings } from '../../src/http';
import { startTestServer, type TestServer } from '../helpers/https-server';
import { freePort } from '../helpers/tinyproxy';

const PASSWORD = 'core-test-password-77';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ users: { 'alice@pve': PASSWORD, 'bob@pve': PASSWORD }, totp: { 'bob@pve': '123456' }, tokens: { 'root@pam!gw': 'gw-secret-9e1f' } });
});
afterAll(async () => {
  await server?.close();
});

function settings(over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    url: server.url, service: 'PVE', pathPrefix: '', otpType: 'totp', verifyTls: true, fingerprint: server.cert.fingerprint,
    timeout: 5, connectTimeout: 3, retries: 0, retryBackoff: 0.01, ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<HttpError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpError);
  return err as HttpError;
}

describe('exchange', () => {
  it('returns status, headers and a body stream, and error statuses are replies, not errors', async () => {
    const client = createClient(settings({ tokenId: 'root@pam!gw', tokenSecret: 'gw-secret-9e1f' }));
    try {
      server.script('GET', '/nodes/nope', [{ status: 404, reason: 'no such node', headers: { 'x-test': 'yes' } }]);
      const reply = await client.exchange({ method: 'GET', path: '/nodes/nope', query: 'a=1' });
      expect([reply.status, reply.reason, reply.headers['x-test']]).toEqual([404, 'no such node', 'yes']);
      expect(reply.body).toBeInstanceOf(Readable);
      expect(JSON.parse(await readText(reply, 1 << 20))).toEqual({ data: null });
      expect(server.requests.at(-1)).toMatchObject({ path: '/nodes/nope', query: { a: '1' } });
      expect(server.requests.at(-1)!.headers.authorization).toBe('PVEAPIToken=root@pam!gw=gw-secret-9e1f');
    } finally {
      await client.close();
    }
  });

  it('sends a streamed body with the length the caller gives', async () => {
    const client = createClient(settings({ tokenId: 'root@pam!gw', tokenSecret: 'gw-secret-9e1f' }));
    try {
      const form = 'vmid=123&name=streamed';
      const reply = await client.exchange({
        method: 'POST',
        path: '/nodes/pve/qemu',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(form.length) },
        body: Readable.from([Buffer.from(form.slice(0, 5)), Buffer.from(form.slice(5))]),
      });
      expect(reply.status).toBe(200);
      await readText(reply, 1 << 20);
      expect(server.requests.at(-1)).toMatchObject({ method: 'POST', form: { vmid: '123', name: 'streamed' } });
      expect(server.requests.at(-1)!.headers['content-length']).toBe(String(form.length));
    } finally {
      await client.close();
    }
  });
});

describe('errors carry a kind and a status, never an exit code', () => {
  it('reply, auth, settings, connect and timeout', async () => {
    const client = createClient(settings({ tokenId: 'root@pam!gw', tokenSecret: 'gw-secret-9e1f' }));
    server.script('GET', '/access/acl', [{ status: 403, reason: 'Permission check failed' }]);
    const forbidden = await failure(client.request({ method: 'GET', path: '/access/acl' }));
    expect([forbidden.kind, forbidden.status, 'exitCode' in forbidden]).toEqual(['reply', 403, false]);
    server.script('GET', '/slow', [{ hang: true }]);
    const slow = await failure(createClient(settings({ tokenId: 'root@pam!gw', tokenSecret: 'gw-secret-9e1f', timeout: 0.3 })).request({ method: 'GET', path: '/slow' }));
    expect(slow.kind).toBe('timeout');
    await client.close();
    const wrong = await failure(createClient(settings({ tokenId: 'root@pam!gw', tokenSecret: 'nope-nope' })).request({ method: 'GET', path: '/nodes' }));
    expect([wrong.kind, wrong.status]).toEqual(['auth', 401]);
    const badPin = await failure(createClient(settings({ fingerprint: 'AB:CD' })).request({ method: 'GET', path: '/nodes' }));
    expect(badPin.kind).toBe('settings');
    const refused = await failure(createClient(settings({ url: `https://127.0.0.1:${await freePort()}` })).request({ method: 'GET', path: '/nodes' }));
    expect([refused.kind, refused.status]).toEqual(['connect', undefined]);
    const mismatch = await failure(createClient(settings({ fingerprint: 'AB'.repeat(32) })).request({ method: 'GET', path: '/nodes' }));
    expect([mismatch.kind, mismatch.details.fingerprint]).toEqual(['certificate-mismatch', server.cert.fingerprint]);
    const untrusted = await failure(createClient(settings({ fingerprint: undefined })).request({ method: 'GET', path: '/nodes' }));
    expect(untrusted.kind).toBe('certificate-untrusted');
  });

  it('without a prompt hook a missing second factor is an auth error, not a wait for a terminal', async () => {
    const err = await failure(createClient(settings({ username: 'bob@pve', password: PASSWORD })).request({ method: 'GET', path: '/nodes' }));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/two-factor authentication required for bob@pve/);
    let asked = '';
    const client = createClient(settings({ username: 'bob@pve', password: PASSWORD }), {
      askSecondFactor: async (q) => {
        asked = `${q.label} for ${q.username}`;
        return '123456';
      },
    });
    expect(await client.request({ method: 'GET', path: '/nodes' })).toMatchObject({ method: 'GET' });
    expect(asked).toBe('TOTP code for bob@pve');
    await client.close();
  });

  it('the caller decides trust on first use; declined stays an error', async () => {
    const offered: string[] = [];
    const trusting = createClient(settings({ fingerprint: undefined, tokenId: 'root@pam!gw', tokenSecret: 'gw-secret-9e1f' }), {
      trustCertificate: async (c) => (offered.push(c.fingerprint), true),
    });
    expect(await trusting.request({ method: 'GET', path: '/nodes' })).toMatchObject({ path: '/nodes' });
    expect(offered).toEqual([server.cert.fingerprint]);
    await trusting.close();
    const declining = createClient(settings({ fingerprint: undefined }), { trustCertificate: async () => false });
    expect((await failure(declining.request({ method: 'GET', path: '/nodes' }))).kind).toBe('certificate-untrusted');
  });
});

describe('tickets', () => {
  it('concurrent requests share one login (single flight), kept in memory by default', async () => {
    server.reset();
    const client = createClient(settings({ username: 'alice@pve', password: PASSWORD }));
    await Promise.all(Array.from({ length: 8 }, () => client.request({ method: 'GET', path: '/nodes' })));
    await client.request({ method: 'PUT', path: '/nodes/pve/config', params: { description: 'x' } });
    expect(server.logins.map((l) => l.kind)).toEqual(['password']);
    expect(server.requests.at(-1)!.headers.csrfpreventiontoken).toBeTruthy();
    await client.close();
  });
});

import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, HttpError, type ConnectionSettings } from '../../src/http';
import { startTestServer, type TestServer } from '../helpers/https-server';

let server: TestServer;
const TOKEN = { tokenId: 'root@pam!gw', tokenSecret: 'gw-secret-9e1f' };

beforeAll(async () => {
  server = await startTestServer({ tokens: { [TOKEN.tokenId]: TOKEN.tokenSecret } });
});
afterAll(async () => {
  await server?.close();
});

function settings(over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    url: server.url, service: 'PVE', pathPrefix: '', otpType: 'totp', verifyTls: true, fingerprint: server.cert.fingerprint,
    timeout: 5, connectTimeout: 3, retries: 0, retryBackoff: 0.01, ...TOKEN, ...over,
  };
}

describe("upgradeTarget: the console's connection, trusted as requests are", () => {
  it('a pinned server: an open TLS socket to it, the API URL and the token header', async () => {
    const client = createClient(settings());
    try {
      const target = await client.upgradeTarget('/nodes/pve/vncwebsocket', 'port=5900&vncticket=T');
      expect((target.socket as TLSSocket).getPeerCertificate().fingerprint256).toBe(server.cert.fingerprint);
      expect(target.url.href).toBe(`${server.url}/api2/json/nodes/pve/vncwebsocket?port=5900&vncticket=T`);
      expect(target.headers.authorization).toBe(`PVEAPIToken=${TOKEN.tokenId}=${TOKEN.tokenSecret}`);
      target.socket.destroy();
    } finally {
      await client.close();
    }
  });

  it('refuses a server that does not match the pin, or that nothing vouches for', async () => {
    const kindOf = async (over: Partial<ConnectionSettings>) => {
      const client = createClient(settings(over));
      const err = await client.upgradeTarget('/nodes/pve/vncwebsocket', '').then(() => undefined, (e: unknown) => e);
      await client.close();
      expect(err).toBeInstanceOf(HttpError);
      return (err as HttpError).kind;
    };
    expect(await kindOf({ fingerprint: 'AB'.repeat(32) })).toBe('certificate-mismatch');
    expect(await kindOf({ fingerprint: undefined })).toBe('certificate-untrusted');
  });
});

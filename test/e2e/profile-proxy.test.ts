/**
 * `profile add` behind a proxy: the certificate it offers to pin is fetched the way requests go, through the
 * CONNECT tunnel of HTTPS_PROXY (tinyproxy), not around it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliErrorOf } from '../../src/cli/http-errors';
import { fetchPeerCertificate } from '../../src/http';
import { isolatedEnv, runCli } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/https-server';
import { hasPython, onTerminal } from '../helpers/terminal';
import { freePort, startTinyproxy, type Tinyproxy } from '../helpers/tinyproxy';

let server: TestServer;
let proxy: Tinyproxy;
const tunnels = () => proxy.log().split('\n').filter((l) => l.includes(`CONNECT 127.0.0.1:${server.port}`)).length;

beforeAll(async () => {
  server = await startTestServer({ tokens: { 'root@pam!ci': 'lab-secret-0d1f' } });
  proxy = await startTinyproxy();
});
afterAll(async () => {
  await proxy?.stop();
  await server?.close();
});

describe('the certificate for pinning comes through the proxy', () => {
  it('fetchPeerCertificate opens a CONNECT tunnel when HTTPS_PROXY names a proxy, and fails on a dead one', async () => {
    const before = tunnels();
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = proxy.url;
    try {
      const cert = await fetchPeerCertificate(server.url);
      expect([cert.fingerprint, cert.trusted]).toEqual([server.cert.fingerprint, false]);
      expect(tunnels()).toBe(before + 1);
      process.env.HTTPS_PROXY = `http://127.0.0.1:${await freePort()}`;
      const err = await fetchPeerCertificate(server.url).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'proxy' });
      expect((cliErrorOf(err) as { exitCode: number }).exitCode).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });

  it.skipIf(!hasPython)('profile add on a terminal behind HTTPS_PROXY shows and pins the fingerprint', async () => {
    const env = isolatedEnv({ HTTPS_PROXY: proxy.url, PVECLI_LAB_TOKEN_SECRET: 'lab-secret-0d1f' });
    const before = tunnels();
    const out = await onTerminal(['profile', 'add', 'lab', '--url', server.url], env, [
      ['Log in with', ''], // an API token
      ['Token ID', 'root@pam!ci'],
      ['Where does the token secret come from?', ''], // env:NAME
      ['Variable name', ''],
      ['Pin this fingerprint', ''], // default yes: self-signed
    ]);
    expect(out).toContain(server.cert.fingerprint);
    expect(out).toContain('added profile lab (current)');
    expect(tunnels()).toBe(before + 1);
    const config = parse(readFileSync(join(env.XDG_CONFIG_HOME!, 'pvecli/config.yaml'), 'utf8'));
    expect(config.profiles.lab.fingerprint).toBe(server.cert.fingerprint);
    // and the profile works through the same proxy
    const get = await runCli(['get', '/version', '-o', 'json'], { env });
    expect(get.code, get.stderr).toBe(0);
    expect(tunnels()).toBe(before + 2);
  });
});

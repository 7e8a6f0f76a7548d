import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/https-server';

// Scripted answers stand in for the terminal: each prompt takes the next one and records its message.
const answers: unknown[] = [];
const asked: string[] = [];
const answer = async (config: { message: string }) => {
  asked.push(config.message);
  if (answers.length === 0) throw new Error(`unexpected prompt: ${config.message}`);
  return answers.shift();
};
vi.mock('@inquirer/prompts', () => ({ input: answer, select: answer, password: answer, confirm: answer }));

const { collectProfileValues } = await import('../../src/cli/profile-add');
const { certificateFetcher } = await import('../../src/cli/connection');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ open: true });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  answers.length = 0;
  asked.length = 0;
});

const said: string[] = [];
const ctx = (interactive: boolean) => ({ name: 'home', interactive, say: (l: string) => said.push(l), fetchCertificate: certificateFetcher() });

describe('profile add on a terminal', () => {
  it('asks for what is missing, stores the secret as a reference and pins the fingerprint', async () => {
    answers.push(server.url, 'token', 'root@pam!cli', 'env', 'PVECLI_HOME_TOKEN_SECRET', true);
    const values = await collectProfileValues({}, ctx(true));
    expect(values).toEqual({
      url: server.url, token_id: 'root@pam!cli', token_secret: 'env:PVECLI_HOME_TOKEN_SECRET', fingerprint: server.cert.fingerprint,
    });
    expect(asked).toEqual(['Server URL', 'Log in with', 'Token ID (user@realm!name)', 'Where does the token secret come from?', 'Variable name', 'Pin this fingerprint in the profile?']);
    expect(said.join('\n')).toContain(server.cert.fingerprint);
    expect(said.join('\n')).toContain('NOT trusted by the system CAs');
  });

  it('password login with prompt each time; no pinning when declined', async () => {
    answers.push('prompt', false);
    const values = await collectProfileValues({ url: server.url, username: 'root@pam' }, ctx(true));
    expect(values).toEqual({ url: server.url, username: 'root@pam', password: 'prompt' });
  });

  it('asks nothing when the flags say everything', async () => {
    const values = await collectProfileValues({ url: server.url, tokenId: 'a@pve!b', tokenSecret: 'file:/run/s', insecure: true, service: 'PBS', pathPrefix: 'px/', timeout: 5 }, ctx(true));
    expect(values).toEqual({ url: server.url, token_id: 'a@pve!b', token_secret: 'file:/run/s', insecure: true, service: 'pbs', path_prefix: '/px', timeout: 5 });
    expect(asked).toEqual([]);
  });

  it('without a terminal, names the missing flag', async () => {
    await expect(collectProfileValues({ url: server.url }, ctx(false))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--token-id or --username') });
    await expect(collectProfileValues({ url: server.url, username: 'u@pam' }, ctx(false))).rejects.toMatchObject({ message: expect.stringContaining('missing --password') });
  });

  it('rejects conflicting TLS choices and bad fingerprints', async () => {
    await expect(collectProfileValues({ url: server.url, tokenId: 'a@pve!b', tokenSecret: 'prompt', fingerprint: 'zz' }, ctx(false))).rejects.toMatchObject({ exitCode: 2 });
    await expect(collectProfileValues({ url: server.url, tokenId: 'a@pve!b', tokenSecret: 'prompt', fingerprint: 'ab'.repeat(32), insecure: true }, ctx(false)))
      .rejects.toMatchObject({ message: 'choose one of fingerprint, ca_file and insecure' });
  });

  it('rejects a token and a user in one profile, and a malformed token ID', async () => {
    await expect(collectProfileValues({ url: server.url, tokenId: 'a@pve!b', tokenSecret: 'env:X', username: 'root@pam', password: 'env:Y', insecure: true }, ctx(false)))
      .rejects.toMatchObject({ exitCode: 2, message: 'choose one of token_id (API token) and username (password login)' });
    await expect(collectProfileValues({ url: server.url, tokenId: 'bad', tokenSecret: 'env:X', insecure: true }, ctx(false)))
      .rejects.toMatchObject({ exitCode: 2, message: 'the token ID is not an API token ID (USER@REALM!NAME)' });
  });

  it('the certificate fetch reports an unreachable server as a connection error', async () => {
    await expect(certificateFetcher()('https://127.0.0.1:1', undefined)).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('profile add --backend ssh|local', () => {
  it('asks neither credentials nor certificate: pvesh acts as the ssh login user', async () => {
    const values = await collectProfileValues({ url: 'pve1', backend: 'SSH' }, ctx(true));
    expect(values).toEqual({ url: 'https://pve1:8006', backend: 'ssh' });
    expect(asked).toEqual([]);
  });

  it('refuses API credentials given with it, and an unknown backend', async () => {
    await expect(collectProfileValues({ url: 'pve1', backend: 'local', username: 'root@pam' }, ctx(false))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--backend local takes no API credentials') });
    await expect(collectProfileValues({ url: 'pve1', backend: 'telnet' }, ctx(false))).rejects.toMatchObject({ exitCode: 2, message: "--backend: unknown backend 'telnet' (expected: https, ssh, local)" });
  });
});

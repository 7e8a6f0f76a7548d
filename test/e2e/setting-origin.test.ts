import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { startTestMock, TEST_TOKEN_ID } from '../helpers/mock';

// issue 16 item 10: the 401 hint and the TLS warning name where their setting came from.
let mock: Awaited<ReturnType<typeof startTestMock>>;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(async () => {
  await mock?.close();
});

describe('where a setting came from', () => {
  it('a 401 on credentials from the environment names the variables', async () => {
    const r = await runCli(['get', '/version'], { env: mock.env({ PROXMOX_API_TOKEN_SECRET: 'wrong-secret' }) });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^hint: check the API token ID and secret from the environment \(PROXMOX_API_TOKEN_ID, PROXMOX_API_TOKEN_SECRET\)$/m);
  });

  it('a 401 on credentials of a profile names the profile', async () => {
    const env = isolatedEnv({ WRONG: 'wrong-secret' });
    const add = await runCli(['profile', 'add', 'lab', '--url', mock.url, '--token-id', TEST_TOKEN_ID, '--token-secret', 'env:WRONG', '--fingerprint', mock.fingerprint, '--use'], { env });
    expect(add.code, add.stderr).toBe(0);
    const r = await runCli(['get', '/version'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^hint: check the API token ID and secret of profile lab$/m);
  });

  it('PROXMOX_API_VERIFY_SSL=false warns in its own words; --insecure in its', async () => {
    const env = mock.env({ PROXMOX_API_FINGERPRINT: undefined, PROXMOX_API_VERIFY_SSL: 'false' });
    const r = await runCli(['get', '/version'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/TLS certificate verification is disabled by PROXMOX_API_VERIFY_SSL=false: the identity of /);
    expect(r.stderr).not.toContain('--insecure');
    const flag = await runCli(['get', '/version', '--insecure'], { env: mock.env({ PROXMOX_API_FINGERPRINT: undefined }) });
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr).toMatch(/TLS certificate verification is disabled by --insecure: /);
  });
});

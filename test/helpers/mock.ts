import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
import { isolatedEnv } from './cli';

export const TEST_TOKEN_ID = 'root@pam!e2e';
export const TEST_TOKEN_SECRET = '4f1c2a9e-0b7d-4e55-9a11-e2e0e2e0e2e0';

/** An in-process mock on an ephemeral loopback port, with a token for the CLI under test. */
export async function startTestMock(opts: { taskDuration?: number; privsep?: boolean } = {}): Promise<MockServer & { env: (extra?: Record<string, string | undefined>) => NodeJS.ProcessEnv }> {
  const dir = mkdtempSync(join(tmpdir(), 'pvecli-mock-'));
  const server = await startMockServer({
    port: 0,
    stateFile: join(dir, 'state.json'),
    certDir: dir,
    tokens: [`${TEST_TOKEN_ID}=${TEST_TOKEN_SECRET}`],
    privsep: opts.privsep,
    taskDuration: opts.taskDuration ?? 300,
  });
  return {
    ...server,
    env: (extra = {}) =>
      isolatedEnv({
        PROXMOX_API_URL: server.url,
        PROXMOX_API_TOKEN_ID: TEST_TOKEN_ID,
        PROXMOX_API_TOKEN_SECRET: TEST_TOKEN_SECRET,
        PROXMOX_API_FINGERPRINT: server.fingerprint,
        ...extra,
      }),
  };
}

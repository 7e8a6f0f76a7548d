import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(async () => {
  await mock?.close();
});

describe('a profile whose password is `prompt`', () => {
  it('asks nothing while the cached ticket is valid, and says so without a terminal once it is gone', async () => {
    const env = isolatedEnv();
    const add = await runCli(['profile', 'add', 'lab', '--url', mock.url, '--username', 'root@pam', '--password', 'prompt', '--fingerprint', mock.fingerprint!, '--use'], { env });
    expect(add.code).toBe(0);
    // First run: the password comes from the environment, and the ticket is cached for the profile.
    const first = await runCli(['get', '/version', '-o', 'json'], { env: { ...env, PROXMOX_API_PASSWORD: 'pvecli-demo' } });
    expect(first.code).toBe(0);
    // Later runs: no terminal, the profile says `prompt`, the cached ticket is enough.
    const second = await runCli(['get', '/version', '-o', 'json'], { env });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).release).toBe('9.2');
    // Without the ticket a login is needed, and there is nobody to ask.
    rmSync(join(env.XDG_CACHE_HOME!, 'pvecli'), { recursive: true, force: true });
    const third = await runCli(['get', '/version'], { env });
    expect(third.code).toBe(2);
    expect(third.stderr).toMatch(/^pvecli: password of profile 'lab' is 'prompt' but there is no terminal to ask on/);
  });
});

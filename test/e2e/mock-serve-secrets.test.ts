/** `mock serve` keeps its secrets out of the process list: --token ID=env:NAME and --password file:PATH, or a warning. */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli';

const TOKEN_SECRET = 'mock-serve-secret-4b7e1';
const PASSWORD = 'mock-serve-password-92c';

function serve(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, 'mock', 'serve', '--port', '0', '-o', 'json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  /** Resolves once stderr shows `pattern` (the test's timeout bounds the wait). */
  const stderrShows = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => (pattern.test(stderr) ? resolve() : child.stderr.once('data', () => setImmediate(check)));
      check();
    });
  const ready = new Promise<{ url: string; fingerprint: string }>((resolve) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { url: string; fingerprint: string });
    });
  });
  const stop = async () => {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, ready, stop, stderr: () => stderr, stderrShows };
}

describe('mock serve secrets', () => {
  it('takes the token secret from env: and the password from file:, and neither is in its command line', async () => {
    const env = isolatedEnv({ MOCK_TOKEN: TOKEN_SECRET });
    const pwFile = join(env.HOME!, 'pw');
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    const s = serve(['--token', 'root@pam!ci=env:MOCK_TOKEN', '--password', `file:${pwFile}`], env);
    try {
      const info = await s.ready;
      const cmdline = readFileSync(`/proc/${s.child.pid}/cmdline`, 'utf8');
      expect(cmdline).toContain('env:MOCK_TOKEN');
      expect(cmdline).not.toContain(TOKEN_SECRET);
      expect(cmdline).not.toContain(PASSWORD);
      const base = { ...env, PROXMOX_API_URL: info.url, PROXMOX_API_FINGERPRINT: info.fingerprint };
      const byToken = await runCli(['get', '/version', '-o', 'json'], { env: { ...base, PROXMOX_API_TOKEN_ID: 'root@pam!ci', PROXMOX_API_TOKEN_SECRET: TOKEN_SECRET } });
      expect(byToken.code, byToken.stderr).toBe(0);
      const byPassword = await runCli(['get', '/version', '-o', 'json'], { env: { ...base, PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: PASSWORD } });
      expect(byPassword.code, byPassword.stderr).toBe(0);
      expect(s.stderr()).not.toMatch(/visible to other users/);
    } finally {
      await s.stop();
    }
  });

  it('a literal secret still works, with a warning that ps shows it', async () => {
    const s = serve(['--token', `root@pam!ci=${TOKEN_SECRET}`], isolatedEnv());
    try {
      await s.ready;
      await s.stderrShows(/visible to other users/);
      expect(s.stderr()).toMatch(/the secret of --token root@pam!ci given on the command line is visible to other users of this machine \(ps\)/);
      expect(s.stderr()).not.toContain(TOKEN_SECRET);
    } finally {
      await s.stop();
    }
  });

  it('an unset env: reference is a usage error naming the variable', async () => {
    const r = await runCli(['mock', 'serve', '--port', '0', '--token', 'root@pam!ci=env:NOT_SET_ANYWHERE'], { env: isolatedEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--token root@pam!ci refers to env:NOT_SET_ANYWHERE, which is not set/);
  });
});

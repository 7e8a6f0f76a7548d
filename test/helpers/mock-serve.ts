import { spawn } from 'node:child_process';
import { BIN, isolatedEnv } from './cli';

export const SERVE_TOKEN_ID = 'root@pam!ci';
export const SERVE_TOKEN_SECRET = 'product-mock-0c7d5e';

/**
 * `pvecli mock serve --schema ID` as a child process on a free port, with a token from the environment; `env()`
 * gives a fresh isolated client environment pointed at it (token, pinned certificate, the product's service).
 */
export async function serveMock(schemaId: string) {
  const child = spawn(process.execPath, [BIN, 'mock', 'serve', '--schema', schemaId, '--port', '0', '-o', 'json', '--token', `${SERVE_TOKEN_ID}=env:SERVE_TOKEN`], {
    env: isolatedEnv({ SERVE_TOKEN: SERVE_TOKEN_SECRET }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ url: string; fingerprint: string; schema: string }>((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`mock serve --schema ${schemaId} exited with ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
  });
  const service = schemaId.split('-')[0]!.toUpperCase();
  return {
    ...info,
    service,
    /** Client environment: the pinned certificate and the product; credentials as `auth` says. */
    env(auth: 'token' | 'password', extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
      const credentials =
        auth === 'token'
          ? { PROXMOX_API_TOKEN_ID: SERVE_TOKEN_ID, PROXMOX_API_TOKEN_SECRET: SERVE_TOKEN_SECRET }
          : { PROXMOX_API_USERNAME: 'root@pam', PROXMOX_API_PASSWORD: 'pvecli-demo' };
      return isolatedEnv({ PROXMOX_API_URL: info.url, PROXMOX_API_FINGERPRINT: info.fingerprint, PROXMOX_API_SERVICE: service, ...credentials, ...extra });
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

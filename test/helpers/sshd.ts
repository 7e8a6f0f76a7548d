import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestSshd {
  port: number;
  user: string;
  /** The authorised client key (private key file). */
  identity: string;
  /** A known_hosts file holding the server's real host key. */
  knownHosts: string;
  /** A known_hosts line for this server with a key it does not have. */
  wrongKnownHost: string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pvecli-test', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
}

/**
 * Debian's OpenSSH server on a loopback port, as the current user, with a throwaway host key and one authorised
 * client key, all in `dir`. `path` is the PATH of the sessions it runs (where the fake pvesh lives).
 */
export async function startTestSshd(dir: string, path: string): Promise<TestSshd> {
  const hostKey = join(dir, 'host_key');
  const identity = join(dir, 'client_key');
  const hostPublic = keygen(hostKey);
  writeFileSync(join(dir, 'authorized_keys'), `${keygen(identity)}\n`);
  // Needed when root starts sshd (its privilege separation directory); a system without a running sshd lacks it.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) {
    mkdirSync('/run/sshd', { recursive: true });
    chmodSync('/run/sshd', 0o755);
  }
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PidFile none',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `SetEnv PATH=${path}`,
      '',
    ].join('\n'),
  );
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    sshd.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('Server listening')) resolve();
    });
    sshd.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${log}`)));
  });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPublic}\n`);
  const wrongKnownHost = `[127.0.0.1]:${port} ${keygen(join(dir, 'other_host_key'))}\n`;
  return {
    port,
    user: userInfo().username,
    identity,
    knownHosts,
    wrongKnownHost,
    close: () =>
      new Promise((resolve) => {
        if (sshd.exitCode !== null) return resolve();
        sshd.once('exit', () => resolve());
        sshd.kill('SIGTERM');
      }),
  };
}

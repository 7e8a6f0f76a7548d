/**
 * The command lines of the ssh and local backends: `pvesh <verb> <path> --output-format json --name=value ...`,
 * run directly (local) or as one remote shell command through the OpenSSH client (ssh).
 */
import type { ConnectionSettings } from '../../config/types';
import { UsageError } from '../../errors';
import type { ApiRequest } from '../../http';
import { isSecretParam } from '../../util/secret-param';
import { shellCommand, shellQuote } from '../../util/shell-quote';

export const VERB_OF_METHOD = { GET: 'get', POST: 'create', PUT: 'set', DELETE: 'delete' } as const;

/** pvesh's words for one request; what pvesh cannot do without exposing a secret or a file is refused (exit 2). */
export function pveshWords(backend: string, req: ApiRequest, upload = req.body !== undefined): string[] {
  if (upload) {
    throw new UsageError(`uploads need the https backend: pvesh on a node takes no file from this machine (${backend} backend)`, 'copy the file to the node and import it there, or use PROXMOX_API_BACKEND=https');
  }
  const words = ['pvesh', VERB_OF_METHOD[req.method], req.path, '--output-format', 'json'];
  for (const [name, value] of Object.entries(req.params ?? {})) {
    if (isSecretParam(name, req.path)) {
      throw new UsageError(
        `--${name} is a secret, and pvesh takes parameters only on its command line, where any user of the node reads them in 'ps' (${backend} backend)`,
        'send this request with the https backend (PROXMOX_API_BACKEND=https and an API token)',
      );
    }
    // One word per value (`--name=value`): Getopt reads it whole, even a value that starts with '-' or is empty.
    for (const one of Array.isArray(value) ? value : [value]) words.push(`--${name}=${one}`);
  }
  return words;
}

/**
 * ssh's arguments for one remote command. BatchMode: never a password or host-key prompt (CI has no terminal);
 * keep-alives so a node that vanished ends the run; `--` so nothing after it is read as an ssh option. The remote
 * side joins the command into one string for the login shell, so each word is single-quoted for a POSIX shell.
 */
export function sshArgs(settings: ConnectionSettings, words: string[]): string[] {
  const args = ['-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', `ConnectTimeout=${Math.max(1, Math.ceil(settings.connectTimeout))}`];
  args.push('-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3');
  if (settings.sshStrictHostKeyChecking) args.push('-o', `StrictHostKeyChecking=${settings.sshStrictHostKeyChecking}`);
  if (settings.sshKnownHosts) args.push('-o', `UserKnownHostsFile=${sshConfigWord(settings.sshKnownHosts)}`);
  if (settings.sshIdentity) args.push('-i', settings.sshIdentity);
  if (settings.sshPort !== undefined) args.push('-p', String(settings.sshPort));
  if (settings.sshUser) args.push('-l', settings.sshUser);
  args.push('--', settings.sshHost!, remoteCommand(words));
  return args;
}

/** The string the node's shell runs: each word single-quoted unless it holds nothing a shell treats specially. */
export function remoteCommand(words: string[]): string {
  return words.map(shellQuote).join(' ');
}

/** The local program and its arguments for a request: `ssh ...` or `pvesh ...` itself. */
export function backendCommand(settings: ConnectionSettings, req: ApiRequest, upload?: boolean): { file: string; args: string[] } {
  const words = pveshWords(settings.backend, req, upload);
  return settings.backend === 'ssh' ? { file: 'ssh', args: sshArgs(settings, words) } : { file: words[0], args: words.slice(1) };
}

/** --dry-run: the command line as it would run here, quoted to paste into a shell. An upload is refused as when sent. */
export function describeBackendCommand(settings: ConnectionSettings, req: ApiRequest, upload: boolean): string {
  const { file, args } = backendCommand(settings, req, upload);
  return shellCommand(file, ...args) + '\n';
}

/** ssh's `-o Key=value` splits at blanks: a path with blanks is double-quoted, which ssh_config undoes. */
function sshConfigWord(path: string): string {
  if (!/[\s"]/.test(path)) return path;
  if (path.includes('"')) throw new UsageError(`ssh_known_hosts '${path}': a path with '"' cannot be given to ssh`);
  return `"${path}"`;
}

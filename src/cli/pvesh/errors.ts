/**
 * A failed pvesh or ssh run as DESIGN.md §4 exit codes. pvesh is Perl: an API error dies with the message on
 * stderr ("400 Parameter verification failed." and one `name: message` line per parameter, then a USAGE block;
 * "403 Permission check failed ..."; a bare message for what the API answers with 500), and its exit status is
 * whatever Perl's die leaves (often 255, the status ssh uses for its own failures too). So the messages decide,
 * and ssh's failures are told apart by ssh's own wording.
 */
import { CliError, ExitCode } from '../../errors';
import { ApiError, exitCodeOfStatus } from '../http-errors';
import { saysNotFound } from '../../http/not-found';
import type { ProcessResult } from './process';

export interface RunContext {
  backend: 'ssh' | 'local';
  /** `root@pve1` for ssh, `this machine` for local. */
  where: string;
  /** `pvesh get /nodes`: what ran, for the message. */
  label: string;
  timeoutS: number;
  /** A write: pvesh runs a task it starts to its end, so stopping pvesh stops the task. */
  write: boolean;
}

/** ssh's own failures (exit 255), by the words OpenSSH prints. */
const SSH_FAILURES: Array<[RegExp, number, (ctx: RunContext) => string, string]> = [
  [
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/i,
    ExitCode.connection,
    (ctx) => `ssh: the host key of ${ctx.where} is not the one known to ssh (Host key verification failed)`,
    "if the node was reinstalled, check its new key (ssh-keyscan) and replace the old one (ssh-keygen -R HOST); for a first contact set ssh_strict_host_key_checking accept-new",
  ],
  [
    /Permission denied \(|Too many authentication failures|no mutual signature/i,
    ExitCode.auth,
    (ctx) => `ssh: ${ctx.where} refused the login`,
    'the ssh backend logs in with an ssh key (never a password: BatchMode): load it into the agent (ssh-add) or set ssh_identity, and check ssh_user',
  ],
  [
    /Could not resolve hostname|Name or service not known|Connection refused|timed out|No route to host|Network is unreachable|Connection reset|Connection closed|kex_exchange_identification|banner exchange|Broken pipe|^ssh: /im,
    ExitCode.connection,
    (ctx) => `ssh: cannot reach ${ctx.where}`,
    'check ssh_host and ssh_port (PROXMOX_API_SSH_HOST, PROXMOX_API_SSH_PORT) and that sshd runs on the node',
  ],
];

export function runFailure(result: ProcessResult, ctx: RunContext): CliError {
  if (result.startError) return startFailure(result.startError, ctx);
  if (result.interrupted) return new CliError(`interrupted: ${ctx.label} on ${ctx.where}`, ExitCode.interrupted, ctx.write ? taskStopped : undefined);
  if (result.timedOut) {
    return new CliError(`${ctx.label} on ${ctx.where} did not finish within ${ctx.timeoutS} s`, ExitCode.timeout, ctx.write ? taskStopped : 'raise the limit with --request-timeout or PROXMOX_API_TIMEOUT');
  }
  if (result.tooLarge) return new CliError(`the reply of ${ctx.label} is larger than the reply limit (PVECLI_MAX_REPLY_MB)`, ExitCode.api);
  const stderr = result.stderr.trim();
  if (ctx.backend === 'ssh' && result.code === 255) {
    for (const [pattern, exitCode, message, hint] of SSH_FAILURES) {
      if (pattern.test(stderr)) return new CliError(`${message(ctx)}: ${firstLine(stderr)}`, exitCode, hint);
    }
  }
  if (result.code === 127 && /pvesh.*not found|not found.*pvesh/i.test(stderr)) {
    return new CliError(`pvesh is not installed on ${ctx.where}`, ExitCode.connection, `the ${ctx.backend} backend works on Proxmox VE nodes only`);
  }
  if (result.signal) return new CliError(`${ctx.label} on ${ctx.where} was killed (${result.signal})`, ExitCode.internal);
  return pveshError(stderr, result.code, ctx);
}

const taskStopped = 'pvesh runs the task it starts until the task ends: stopping pvesh stopped the task too. Check it with `pvecli task list`';

function startFailure(err: NodeJS.ErrnoException, ctx: RunContext): CliError {
  const program = ctx.backend === 'ssh' ? 'ssh' : 'pvesh';
  if (err.code === 'ENOENT') {
    return ctx.backend === 'ssh'
      ? new CliError('ssh is not on the PATH', ExitCode.usage, 'install the OpenSSH client (openssh-client), or use PROXMOX_API_BACKEND=https')
      : new CliError('pvesh is not on the PATH', ExitCode.connection, 'the local backend runs on a Proxmox VE node; elsewhere use the ssh or https backend');
  }
  return new CliError(`cannot run ${program}: ${err.message}`, ExitCode.internal);
}

/** pvesh's message: its first line (an HTTP status in front when the API set one), parameter lines, no USAGE block. */
function pveshError(stderr: string, code: number | null, ctx: RunContext): ApiError {
  const lines = stderr.split('\n');
  const usage = lines.findIndex((l) => /^USAGE:/.test(l));
  const kept = (usage < 0 ? lines : lines.slice(0, usage)).map((l) => l.trimEnd()).filter((l) => l !== '');
  // The coded line, else the last line: a task's log may come before the message.
  const head = kept.find((l) => /^\d{3} \S/.test(l)) ?? kept[kept.length - 1] ?? `pvesh failed with exit status ${code}, printing nothing`;
  const coded = /^(\d{3}) (.*)$/.exec(head);
  const message = (coded ? coded[2] : head).replace(/ at \/\S+ line \d+\.?$/, '');
  const paramErrors: Record<string, string> = {};
  if (coded?.[1] === '400') {
    for (const line of kept.slice(kept.indexOf(head) + 1)) {
      const m = /^([A-Za-z0-9_[\]-]+): (.*)$/.exec(line);
      if (m) paramErrors[m[1]] = m[2];
    }
  }
  const status = coded ? Number(coded[1]) : /^No '\w+' handler defined for/.test(message) ? 501 : 500;
  const exitCode = coded ? exitCodeOfStatus(status) : saysNotFound(message) ? ExitCode.notFound : ExitCode.api;
  const paramLines = Object.entries(paramErrors).map(([name, msg]) => `${name}: ${msg}`);
  return new ApiError(`${message} (${status}, ${ctx.label} on ${ctx.where})`, exitCode, status, paramErrors, paramLines.length ? paramLines.join('\n') : undefined);
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

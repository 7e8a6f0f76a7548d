/**
 * The ssh and local backends (DESIGN.md §5 PROXMOX_API_BACKEND) behind the same ApiClient the https core offers, so
 * verbs, task waiting and rendering work unchanged: each request is one `pvesh <verb> <path> --output-format json`
 * run, on the node through ssh or here. Failures are CliErrors with the exit codes of DESIGN.md §4.
 */
import type { ConnectionSettings } from '../../config/types';
import { CliError, ExitCode, UsageError } from '../../errors';
import type { ApiClient, ApiRequest } from '../../http';
// The HTTP core's default reply limit, for the same reason: a reply is read whole.
import { DEFAULT_MAX_REPLY_BYTES } from '../../http/settings';
import { shellCommand } from '../../util/shell-quote';
import { backendCommand, VERB_OF_METHOD } from './command';
import { runFailure, type RunContext } from './errors';
import { runProcess } from './process';

export interface PveshClientOptions {
  trace?: (line: string) => void;
  /**
   * Seconds a write may run (0: no limit). pvesh runs a task it starts to its end before it answers, so the
   * request timeout made for one HTTP exchange would stop long tasks; the CLI passes one only when the user set it.
   */
  writeTimeoutS: number;
}

export function createPveshClient(settings: ConnectionSettings, opts: PveshClientOptions): ApiClient {
  const backend = settings.backend as 'ssh' | 'local';
  const where = backend === 'ssh' ? `${settings.sshUser ? `${settings.sshUser}@` : ''}${settings.sshHost}` : 'this machine';
  return {
    async request<T>(req: ApiRequest): Promise<T> {
      const { file, args } = backendCommand(settings, req);
      const write = req.method !== 'GET';
      const timeoutS = req.timeoutS ?? (write ? opts.writeTimeoutS : settings.timeout);
      const ctx: RunContext = { backend, where, label: `pvesh ${VERB_OF_METHOD[req.method]} ${req.path}`, timeoutS, write };
      const started = Date.now();
      opts.trace?.(shellCommand(file, ...args));
      const result = await runProcess(file, args, { timeoutMs: timeoutS * 1000, maxBytes: settings.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES, signal: req.signal });
      opts.trace?.(`exit status ${result.code ?? result.signal ?? 'none'} (${Date.now() - started} ms)${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`);
      if (result.code !== 0 || result.startError || result.timedOut || result.interrupted || result.tooLarge) throw runFailure(result, ctx);
      return pveshReply(result.stdout, ctx) as T;
    },
    exchange: () =>
      Promise.reject(new UsageError(`downloads need the https backend: pvesh prints a reply as text, not a file's bytes (${backend} backend)`, 'use PROXMOX_API_BACKEND=https for this request')),
    upgradeTarget: () =>
      Promise.reject(new UsageError(`consoles need the https backend: pvesh cannot carry a websocket (${backend} backend)`, 'use PROXMOX_API_BACKEND=https for pvecli console')),
    close: async () => undefined,
  };
}

/**
 * The reply's data. A task pvesh started ran in the foreground and its log came first on stdout: the JSON is the
 * last line then. No output at all is an operation that returns nothing (null).
 */
function pveshReply(stdout: string, ctx: RunContext): unknown {
  const text = stdout.trim();
  if (text === '') return null;
  for (const candidate of [text, text.slice(text.lastIndexOf('\n') + 1)]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // Not the JSON document: try the last line.
    }
  }
  throw new CliError(`${ctx.label} on ${ctx.where} printed no JSON: ${text.slice(0, 200)}`, ExitCode.api);
}

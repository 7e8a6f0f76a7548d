import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The program could not be started (ENOENT: not on the PATH). */
  startError?: NodeJS.ErrnoException;
  timedOut: boolean;
  interrupted: boolean;
  /** stdout grew past the limit and the program was stopped. */
  tooLarge: boolean;
}

/** stderr is for messages: this much is plenty, and a runaway program cannot fill memory through it. */
const STDERR_LIMIT = 1024 * 1024;

/**
 * Run a program without a shell (arguments reach it as given), stdin closed so nothing can wait for input; stopped
 * after `timeoutMs` (0: never), on `signal`, or when stdout passes `maxBytes`.
 */
export function runProcess(file: string, args: string[], opts: { timeoutMs: number; maxBytes: number; signal?: AbortSignal }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const result: ProcessResult = { code: null, signal: null, stdout: '', stderr: '', timedOut: false, interrupted: false, tooLarge: false };
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = (why: 'timedOut' | 'interrupted' | 'tooLarge') => {
      result[why] = true;
      child.kill('SIGTERM');
    };
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > opts.maxBytes) stop('tooLarge');
      else stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (result.stderr.length < STDERR_LIMIT) result.stderr += chunk;
    });
    const timer = opts.timeoutMs > 0 ? setTimeout(() => stop('timedOut'), opts.timeoutMs) : undefined;
    const onAbort = () => stop('interrupted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    // pvecli exiting (Ctrl-C sent to it alone) takes the child along rather than leaving it running unseen.
    const onExit = () => child.kill('SIGTERM');
    process.once('exit', onExit);
    const done = () => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      opts.signal?.removeEventListener('abort', onAbort);
      result.stdout = Buffer.concat(stdout).toString('utf8');
      resolve(result);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      result.startError = err;
      done();
    });
    child.on('close', (code, signal) => {
      if (result.startError) return;
      result.code = code;
      result.signal = signal;
      done();
    });
  });
}

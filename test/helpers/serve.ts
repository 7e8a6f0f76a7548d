/** `pvecli serve` as a child process for e2e tests; the caller kills what is left in `running` after its tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN } from './cli';

export interface Serve {
  url: string;
  proc: ChildProcess;
  /** stderr so far, one JSON object per line. */
  logs(): Array<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const running: ChildProcess[] = [];

/** Spawn `pvecli serve --port 0 ...` and wait for its start line, which names the URL. */
export function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<Serve> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(proc);
  let stderr = '';
  const logs = () =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const start = logs().find((l) => l.msg === 'gateway listening');
      if (start)
        resolve({
          url: String(start.url),
          proc,
          logs,
          stop: (signal = 'SIGTERM') => {
            proc.kill(signal);
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

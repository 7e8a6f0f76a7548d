/**
 * Runs bin/run.js on a pseudo-terminal (python's pty), answering each question when it shows; resolves with all it
 * printed. The driver gives up after 45 s (a dialogue takes ~3 s idle), under the 60 s test timeout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './cli';

export const hasPython = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

export function onTerminal(args: string[], env: NodeJS.ProcessEnv, dialogue: Array<[question: string, answer: string]>): Promise<string> {
  const driver = `
import json, os, pty, select, sys, time
dialogue = json.loads(os.environ['PTY_DIALOGUE'])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, seen, end = b'', 0, time.time() + 45
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if dialogue and dialogue[0][0].encode() in out[seen:]:
        question, answer = dialogue.pop(0)
        seen = out.index(question.encode(), seen) + len(question)
        time.sleep(0.1)
        os.write(fd, answer.encode() + b'\\r')
sys.stdout.write(out.decode(errors='replace'))
`;
  return new Promise((resolvePromise) => {
    const child = spawn('python3', ['-c', driver, process.execPath, BIN, ...args], { env: { ...env, PTY_DIALOGUE: JSON.stringify(dialogue) } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('close', () => resolvePromise(out));
  });
}

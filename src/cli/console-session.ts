/**
 * A console session on the local terminal: the websocket (over the connection the HTTP core opened and trusted),
 * the ticket line, then raw keys out and the remote terminal's bytes in; resizes forwarded; Ctrl-] q leaves. The
 * terminal is restored on every way out: leaving, the server closing, an error, a signal, the process exiting.
 */
import { ExitCode } from '../errors';
import type { UpgradeTarget } from '../http/types';
import { consoleFrames, EscapeFilter } from './console-keys';
import { writeErr } from './io';

/** Proxmox's server drops a console that says nothing for 5 minutes; the web UI pings every 30 s. */
const PING_MS = 30_000;
const HANDSHAKE_MS = 10_000;

export interface ConsoleTicket {
  user: string;
  ticket: string;
}

/** Resolves with the exit code once the session is over and the terminal restored. */
export function runConsoleSession(target: UpgradeTarget, ticket: ConsoleTicket): Promise<number> {
  const { WebSocket } = require('ws') as typeof import('ws');
  const url = target.url.href.replace(/^http/, 'ws');
  const ws = new WebSocket(url, ['binary'], {
    createConnection: () => target.socket as never,
    headers: target.headers,
    perMessageDeflate: false,
    handshakeTimeout: HANDSHAKE_MS,
  });
  const stdin = process.stdin;
  const stdout = process.stdout;
  const keys = new EscapeFilter();
  let ready = false;
  let ping: NodeJS.Timeout | undefined;

  return new Promise<number>((resolve) => {
    let done = false;
    const restore = () => {
      if (stdin.isTTY) stdin.setRawMode(false);
    };
    const finish = (code: number, message?: string) => {
      if (done) return;
      done = true;
      clearInterval(ping);
      stdin.removeListener('data', onKeys);
      stdin.pause();
      stdout.removeListener('resize', onResize);
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
      process.removeListener('exit', restore);
      restore();
      if (message) writeErr(message);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(code);
    };
    const send = (data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
    };
    const onKeys = (chunk: Buffer) => {
      const { send: bytes, leave } = keys.feed(chunk);
      if (bytes.length && ready) send(consoleFrames.data(bytes));
      if (leave) finish(ExitCode.ok, '\npvecli: left the console');
    };
    const onResize = () => send(consoleFrames.resize(stdout.columns, stdout.rows));
    const onSignal = (signal: NodeJS.Signals) => finish(ExitCode.interrupted, `\npvecli: ${signal}: left the console`);

    // Raw from here on: every key goes to the remote side (Ctrl-C included) until the escape sequence.
    process.once('exit', restore);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    stdin.setRawMode(true);
    stdin.on('data', onKeys);
    stdin.resume();

    ws.binaryType = 'nodebuffer';
    ws.on('open', () => send(`${ticket.user}:${ticket.ticket}\n`));
    ws.on('message', (data: Buffer) => {
      if (!ready) {
        if (data.subarray(0, 2).toString('latin1') !== 'OK') return finish(ExitCode.auth, 'pvecli: the console did not accept its ticket');
        ready = true;
        data = data.subarray(2);
        onResize();
        stdout.on('resize', onResize);
        ping = setInterval(() => send(consoleFrames.ping), PING_MS);
      }
      if (data.length) stdout.write(data);
    });
    ws.on('close', () => finish(ready ? ExitCode.ok : ExitCode.api, ready ? '\npvecli: the console was closed by the server' : 'pvecli: the console closed before it was ready'));
    ws.on('unexpected-response', (_req, res) => {
      const code = res.statusCode === 401 ? ExitCode.auth : res.statusCode === 403 ? ExitCode.forbidden : ExitCode.api;
      finish(code, `pvecli: the console's websocket was refused: ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd());
    });
    ws.on('error', (err: Error) => finish(ExitCode.connection, `pvecli: console connection failed: ${err.message}`));
  });
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

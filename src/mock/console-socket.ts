/**
 * The websocket of a console: the upgrade request is first answered by the API like any `GET …/vncwebsocket`
 * (authentication, the permission, the ticket), as pve-http-server does before it proxies; then, as termproxy does,
 * the first line must be `user:ticket`, answered `OK`, and the console runs until `exit` or the client leaves.
 * `ws` is loaded here only, on the first console.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { type Handler, type Reply, type ServerRequest, requestHead } from '../server';
import { reason } from '../server/reply';
import { type ConsoleGrant, consolesOf } from './console-grants';
import { ConsoleInputParser } from './console-input';
import { MockShell } from './console-shell';
import type { RouterDeps } from './router';
import { guestName } from './handlers/guest-common';
import { withFileLock } from '../util/file-lock';

type WebSocketServer = import('ws').WebSocketServer;
type WebSocket = import('ws').WebSocket;

/** How long a console's worker task may run at most. */
const SESSION_MS = 24 * 3600 * 1000;
/** The longest `user:ticket` line taken before the console gives up on the client. */
const AUTH_LINE_BYTES = 4096;

export function consoleUpgrade(deps: RouterDeps, handler: Handler): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  let server: WebSocketServer | undefined;
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const request = upgradeRequest(req);
    Promise.resolve(handler(request))
      .then((reply) => {
        const query = new URLSearchParams(request.query);
        const websocket = /\/vncwebsocket$/.test(request.path) && String(req.headers.upgrade).toLowerCase() === 'websocket';
        if (reply.status !== 200 || !websocket) return refuse(socket, websocket ? reply : { status: 400, message: 'unable to upgrade: not a console websocket' });
        // The handler has just checked the ticket for the caller; a ticket opens one websocket.
        const grant = consolesOf(deps.state).grants.take(String(query.get('vncticket')), Number(query.get('port')));
        if (!grant) return refuse(socket, { status: 401, message: 'permission denied - invalid vncticket' });
        const { WebSocketServer } = require('ws') as typeof import('ws');
        server ??= new WebSocketServer({
          noServer: true,
          perMessageDeflate: false,
          // Proxmox's server answers with the subprotocol asked for (the web UI asks for `binary`).
          handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : [...protocols][0] ?? false),
        });
        server.handleUpgrade(req, socket, head, (ws) => serveConsole(ws, grant, deps));
      })
      .catch(() => socket.destroy());
  };
}

/** An upgrade request as the API handler sees a request: the head, and no body. */
function upgradeRequest(req: IncomingMessage): ServerRequest {
  return { ...requestHead(req), body: Readable.from([]) };
}

function refuse(socket: Duplex, reply: Pick<Reply, 'status' | 'message'>): void {
  socket.end(`HTTP/1.1 ${reply.status} ${reason(reply.message ?? 'Error')}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** termproxy's part: the ticket line, `OK`, then the console until either side ends it. */
function serveConsole(ws: WebSocket, grant: ConsoleGrant, deps: RouterDeps): void {
  const { livePorts } = consolesOf(deps.state);
  livePorts.add(grant.port);
  setTaskEnd(deps, grant.upid, Date.now() + SESSION_MS);
  let pending: Buffer = Buffer.alloc(0);
  let shell: MockShell | undefined;
  const parser = new ConsoleInputParser();
  const send = (text: string) => ws.readyState === ws.OPEN && ws.send(Buffer.from(text));
  const feed = (bytes: Buffer) => {
    for (const input of parser.push(bytes)) {
      if (input.kind === 'resize') shell?.resize(input.cols, input.rows);
      else shell?.input(input.bytes);
    }
  };
  ws.on('message', (data: Buffer) => {
    if (shell) return feed(data);
    pending = Buffer.concat([pending, data]);
    const newline = pending.indexOf(0x0a);
    if (newline < 0) {
      if (pending.length > AUTH_LINE_BYTES) ws.close();
      return;
    }
    if (pending.subarray(0, newline).toString() !== `${grant.user}:${grant.ticket}`) return ws.close();
    send('OK');
    shell = startShell(grant, deps, send, () => ws.close());
    feed(pending.subarray(newline + 1));
  });
  ws.on('close', () => {
    livePorts.delete(grant.port);
    setTaskEnd(deps, grant.upid, Date.now());
  });
}

/** What runs behind the console: a node's login shell, a VM's serial getty, a container's console. */
function startShell(grant: ConsoleGrant, deps: RouterDeps, write: (text: string) => void, end: () => void): MockShell | undefined {
  const { state } = deps;
  const guest = grant.guest && state.guest(grant.guest.vmid);
  if (grant.guest && (!guest || guest.status !== 'running')) {
    // What `qm terminal` / `lxc-console` print when there is nothing to attach to.
    write(`${grant.guest.type === 'qemu' ? 'VM' : 'CT'} ${grant.guest.vmid} not running\r\n`);
    end();
    return undefined;
  }
  if (guest && grant.serial && guest.config[grant.serial] === undefined) {
    write(`unable to find a serial interface\r\n`);
    end();
    return undefined;
  }
  const hostname = guest ? guestName(guest) : grant.node;
  const tty = !guest ? '/dev/pts/0' : guest.type === 'qemu' ? `/dev/tty${(grant.serial ?? 'serial0').replace('serial', 'S')}` : '/dev/console';
  const since = guest?.startedAt ?? Math.floor(Date.now() / 1000) - 86400 * 12;
  const shell = new MockShell({ hostname, tty, uptime: Math.floor(Date.now() / 1000) - since, write, end });
  const banner = guest
    ? `\r\nDebian GNU/Linux 12 ${hostname} ${tty.slice(5)}\r\n\r\n`
    : `Linux ${hostname} 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC x86_64\r\n\r\nThis is a simulated shell of the pvecli mock; 'help' lists what it answers.\r\n\r\n`;
  shell.start(banner);
  return shell;
}

/**
 * The worker task runs while its console does: until the ticket expires, then (once connected) for up to a day,
 * and it ends, OK, when the console closes. Under the state file's lock when other processes share it.
 */
function setTaskEnd(deps: RouterDeps, upid: string, endsAt: number): void {
  const update = () => {
    deps.state.refresh();
    const task = deps.tasks.find(upid);
    if (!task || Date.now() >= task.endsAt) return;
    task.endsAt = endsAt;
    deps.state.save();
  };
  if (deps.stateFile) withFileLock(deps.stateFile, update).catch(() => {});
  else update();
}

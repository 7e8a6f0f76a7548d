/**
 * `pvecli console PATH`: a node's shell (`/nodes/pve`), a VM's serial terminal (`/nodes/pve/qemu/100`) or a
 * container's console (`/nodes/pve/lxc/101`), as the web UI's xterm.js opens them: POST …/termproxy for a port and a
 * ticket, then the websocket GET …/vncwebsocket, then termproxy's protocol (console-keys.ts) on the local terminal.
 */
import { isatty } from 'node:tty';
import { CliError, ExitCode, UsageError } from '../errors';
import type { ApiClient } from '../http';
import { shellCommand } from '../util/shell-quote';
import { openConnection } from './connection';
import { ESCAPE_HELP } from './console-keys';
import type { GlobalOptions } from './globals';
import { writeErr } from './io';
import { prepareCall, sendPrepared, type PreparedCall } from './verb';

export interface ConsoleOptions {
  /** A VM's serial port: serial0 … serial3. */
  serial?: string;
}

interface ConsoleTarget {
  /** The node's or guest's API path: termproxy and vncwebsocket are below it. */
  base: string;
  node: string;
  guest?: { type: 'qemu' | 'lxc'; vmid: string };
}

export function consoleTarget(path: string): ConsoleTarget {
  const m = /^\/?nodes\/([^/]+)(?:\/(qemu|lxc)\/([^/]+))?\/?$/.exec(path.trim());
  if (!m) throw new UsageError(`no console at '${path}'`, 'a console is a node (/nodes/pve), a VM (/nodes/pve/qemu/100) or a container (/nodes/pve/lxc/101)');
  const [, node, type, vmid] = m;
  const base = type ? `/nodes/${node}/${type}/${vmid}` : `/nodes/${node}`;
  return { base, node, guest: type ? { type: type as 'qemu' | 'lxc', vmid } : undefined };
}

export async function runConsole(globals: GlobalOptions, path: string, opts: ConsoleOptions): Promise<number> {
  const target = consoleTarget(path);
  if (opts.serial && target.guest?.type !== 'qemu') throw new UsageError('--serial is for a VM: a node has its shell, a container its console');
  // The termproxy call is parsed and checked as `create …/termproxy` would be (node name, VM ID, serial port).
  const call = prepareCall('create', [`${target.base}/termproxy`, ...(opts.serial ? ['--serial', opts.serial] : []), ...(globals.schema ? ['--schema', globals.schema] : [])]);
  if (typeof call === 'string') throw new UsageError('unexpected help text');
  call.globals = { ...globals, ...call.globals };
  if (!(process.stdin.isTTY && isatty(1))) throw new UsageError('console needs a terminal', 'run it in an interactive shell (stdin and stdout on a terminal)');
  const connection = await openConnection(globals, { needServer: true });
  try {
    const client = connection.client();
    if (target.guest) await checkGuest(client, target, opts.serial);
    const grant = (await sendPrepared(call as PreparedCall, client)) as { user: string; ticket: string; port: number; upid?: string };
    const query = `port=${encodeURIComponent(grant.port)}&vncticket=${encodeURIComponent(grant.ticket)}`;
    const upgrade = await client.upgradeTarget(`${target.base}/vncwebsocket`, query);
    writeErr(`pvecli: console of ${describe(target, opts.serial)}; leave with ${ESCAPE_HELP}`);
    const { runConsoleSession } = require('./console-session') as typeof import('./console-session');
    return await runConsoleSession(upgrade, grant);
  } finally {
    await connection.close();
  }
}

function describe(target: ConsoleTarget, serial?: string): string {
  if (!target.guest) return `node ${target.node} (shell)`;
  const what = target.guest.type === 'qemu' ? `VM ${target.guest.vmid} (${serial ?? 'serial terminal'})` : `CT ${target.guest.vmid}`;
  return `${what} on ${target.node}`;
}

/**
 * As the web UI does before it connects: a guest that is not running has no console. A VM's serial terminal needs
 * a serial port in its config (the display can be one: vga serialN).
 */
async function checkGuest(client: ApiClient, target: ConsoleTarget, serial?: string): Promise<void> {
  const guest = target.guest!;
  const label = guest.type === 'qemu' ? 'VM' : 'CT';
  const status = await client.request<{ status?: string }>({ method: 'GET', path: `${target.base}/status/current` });
  if (status?.status !== 'running') {
    throw new CliError(`${label} ${guest.vmid} is not running (${status?.status ?? 'unknown'})`, ExitCode.api, `start it: ${shellCommand('pvecli', 'create', `${target.base}/status/start`)}`);
  }
  if (guest.type !== 'qemu') return;
  const config = await client.request<Record<string, unknown>>({ method: 'GET', path: `${target.base}/config` });
  const display = /^(serial\d)/.exec(String(config?.vga ?? ''))?.[1];
  const port = serial ?? display ?? 'serial0';
  if (config?.[port] === undefined) {
    throw new CliError(
      `VM ${guest.vmid} has no ${port}: its serial terminal needs one`,
      ExitCode.api,
      `add one: ${shellCommand('pvecli', 'set', `${target.base}/config`, `--${port}`, 'socket')} (and a getty on ttyS${port.slice(-1)} in the guest)`,
    );
  }
}

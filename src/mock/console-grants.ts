/**
 * The mock's console tickets: `termproxy` grants one (a port in 5900–5999 and a VNC ticket bound to the caller,
 * the permission path and the port, as PVE::AccessControl::assemble_vnc_ticket binds them); `vncwebsocket` checks
 * it, and the websocket takes it, once. Held in memory: the websocket reaches the process that granted it.
 */
import { randomBytes } from 'node:crypto';
import type { GuestType, MockState } from './state';

export interface ConsoleGrant {
  ticket: string;
  /** The user (or `user!token`) the ticket was made for: the first line of the console's stream names it. */
  user: string;
  /** `/nodes/pve` for a node's shell, `/vms/100` for a guest. */
  authpath: string;
  port: number;
  node: string;
  guest?: { type: GuestType; vmid: string };
  /** A VM's serial port (serial0 … serial3). */
  serial?: string;
  upid: string;
  expires: number;
}

/** How long a ticket waits for its websocket (Proxmox accepts a VNC ticket for about 40 s). */
export const TICKET_MS = 40_000;
const FIRST_PORT = 5900;
const LAST_PORT = 5999;

export class ConsoleGrants {
  private readonly grants = new Map<string, ConsoleGrant>();

  /** A new grant on the lowest free port; undefined when all hundred are taken. */
  issue(grant: Omit<ConsoleGrant, 'ticket' | 'port' | 'expires'>, live: ReadonlySet<number>): ConsoleGrant | undefined {
    this.expire();
    const used = new Set([...live, ...[...this.grants.values()].map((g) => g.port)]);
    let port = FIRST_PORT;
    while (used.has(port)) if (++port > LAST_PORT) return undefined;
    const ticket = `PVEVNC:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}::${randomBytes(24).toString('base64')}`;
    const issued = { ...grant, ticket, port, expires: Date.now() + TICKET_MS };
    this.grants.set(ticket, issued);
    return issued;
  }

  /** The grant of this ticket, if it is for this port, path and user and has not expired. */
  check(ticket: string, port: number, authpath: string, user: string): ConsoleGrant | undefined {
    this.expire();
    const grant = this.grants.get(ticket);
    return grant && grant.port === port && grant.authpath === authpath && grant.user === user ? grant : undefined;
  }

  /** Use the grant of a ticket and port: a ticket opens one websocket. */
  take(ticket: string, port: number): ConsoleGrant | undefined {
    this.expire();
    const grant = this.grants.get(ticket);
    if (!grant || grant.port !== port) return undefined;
    this.grants.delete(ticket);
    return grant;
  }

  private expire(): void {
    const now = Date.now();
    for (const [ticket, grant] of this.grants) if (grant.expires < now) this.grants.delete(ticket);
  }
}

const registries = new WeakMap<MockState, { grants: ConsoleGrants; livePorts: Set<number> }>();

/** The grants and live console ports of one mock. */
export function consolesOf(state: MockState): { grants: ConsoleGrants; livePorts: Set<number> } {
  let registry = registries.get(state);
  if (!registry) registries.set(state, (registry = { grants: new ConsoleGrants(), livePorts: new Set() }));
  return registry;
}

/**
 * Authentication like Proxmox VE (DESIGN.md §6): API tokens (`PVEAPIToken=`), tickets in the `PVEAuthCookie`
 * cookie with a `CSRFPreventionToken` header on writes, and a TOTP second factor. What a caller may do: acl.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { capabilities } from './acl';
import { MockError } from './mock-error';
import type { MockState } from './state';
import { verifyTotp } from './totp';

export const TICKET_LIFETIME_S = 7200;

/** How a product names its credentials on the wire (product.ts has each product's). */
export interface AuthNaming {
  /** `PVEAPIToken`, `PBSAPIToken`, … */
  tokenPrefix: string;
  /** Between token id and secret: '=' (Perl products), ':' (PBS, PDM). */
  tokenSeparator: '=' | ':';
  /** `PVEAuthCookie`, … */
  cookie: string;
  /** The ticket's first field: `PVE`, `PBS`, … */
  ticketPrefix: string;
}

export const PVE_AUTH: AuthNaming = { tokenPrefix: 'PVEAPIToken', tokenSeparator: '=', cookie: 'PVEAuthCookie', ticketPrefix: 'PVE' };

/** Who is calling. `tokenid` is the full `user@realm!name` for token requests. */
export interface Identity {
  userid: string;
  tokenid?: string;
  privsep?: boolean;
  /** Authenticated by ticket (writes then need the CSRF header). */
  ticket?: boolean;
}

function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64').replace(/=+$/, '');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hexTime = (s: number) => s.toString(16).toUpperCase().padStart(8, '0');

/** `PVE:user@realm:HEXTIME::SIGNATURE`; a pending second factor is `PVE:!tfa!user@realm:HEXTIME::SIGNATURE`. */
export function makeTicket(state: MockState, userid: string, pendingTfa = false, naming: AuthNaming = PVE_AUTH): string {
  const body = `${naming.ticketPrefix}:${pendingTfa ? '!tfa!' : ''}${userid}:${hexTime(Math.floor(Date.now() / 1000))}`;
  return `${body}::${sign(state.data.secret, body)}`;
}

/** The user a ticket stands for, or undefined when forged or expired. */
export function verifyTicket(state: MockState, ticket: string, pendingTfa = false, naming: AuthNaming = PVE_AUTH): string | undefined {
  const m = /^([A-Z]+:(!tfa!)?([^:]+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
  if (!m || !m[1].startsWith(`${naming.ticketPrefix}:`) || Boolean(m[2]) !== pendingTfa) return undefined;
  if (!safeEqual(sign(state.data.secret, m[1]), m[5])) return undefined;
  const age = Date.now() / 1000 - parseInt(m[4], 16);
  if (age < -300 || age > TICKET_LIFETIME_S) return undefined;
  return m[3];
}

export function makeCsrfToken(state: MockState, userid: string): string {
  const time = hexTime(Math.floor(Date.now() / 1000));
  return `${time}:${sign(state.data.secret, `${time}:${userid}`)}`;
}

function verifyCsrfToken(state: MockState, userid: string, token: string): boolean {
  const m = /^([0-9A-F]{8}):(.+)$/.exec(token);
  return Boolean(m && safeEqual(sign(state.data.secret, `${m[1]}:${userid}`), m[2]));
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    }
  }
  return undefined;
}

const unauthorized = () => new MockError(401, 'No ticket');

/**
 * pve-access-control AccessControl.pm check_user_enabled: the user exists, is enabled and its `expire` (epoch
 * seconds, 0 for never) has not passed. Logins, tickets and tokens all go through it.
 */
export function userEnabled(state: MockState, userid: string): boolean {
  const user = state.data.users[userid];
  return Boolean(user && user.enable && !(user.expire && user.expire < Date.now() / 1000));
}

/** What pve-manager's auth_handler answers when a ticket's or token's user is disabled or expired. */
const authFailed = () => new MockError(401, 'Authentication failed!');

/** Identify a request; throws 401 for bad credentials. Returns undefined when none were sent. */
export function identify(
  state: MockState,
  method: string,
  headers: Record<string, string | string[] | undefined>,
  naming: AuthNaming = PVE_AUTH,
): Identity | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith(naming.tokenPrefix)) {
    const sep = naming.tokenSeparator;
    const m = new RegExp(`^${naming.tokenPrefix}[= ]([^!]+)!([^${sep}]+)${sep}(.+)$`).exec(auth.trim());
    if (!m) throw new MockError(401, 'invalid token value!');
    const [, userid, name, secret] = m;
    const user = state.data.users[userid];
    const token = user?.tokens[name];
    if (!user || !token || !safeEqual(token.secret, secret)) throw new MockError(401, 'invalid token value!');
    if (!userEnabled(state, userid)) throw authFailed();
    if (token.expire && token.expire < Date.now() / 1000) throw authFailed();
    return { userid, tokenid: `${userid}!${name}`, privsep: Boolean(token.privsep) };
  }
  const ticket = cookie(typeof headers.cookie === 'string' ? headers.cookie : undefined, naming.cookie);
  if (ticket) {
    const userid = verifyTicket(state, ticket, false, naming);
    if (!userid) throw new MockError(401, 'authentication failure');
    if (!userEnabled(state, userid)) throw authFailed();
    if (method !== 'GET') {
      const csrf = headers.csrfpreventiontoken;
      if (typeof csrf !== 'string' || !verifyCsrfToken(state, userid, csrf)) {
        throw new MockError(401, 'Permission denied - invalid csrf token');
      }
    }
    return { userid, ticket: true };
  }
  return undefined;
}

export function requireIdentity(id: Identity | undefined): Identity {
  if (!id) throw unauthorized();
  return id;
}

/** `POST /access/ticket`: password login, ticket renewal, and the second step of TFA. */
export function login(state: MockState, args: Record<string, unknown>, naming: AuthNaming = PVE_AUTH): Record<string, unknown> {
  let username = String(args.username ?? '');
  if (!username.includes('@') && args.realm) username = `${username}@${String(args.realm)}`;
  const password = String(args.password ?? '');
  const user = state.data.users[username];
  const denied = () => new MockError(401, 'authentication failure');
  if (!user || !userEnabled(state, username)) throw denied();
  const full = () => ({
    username,
    ticket: makeTicket(state, username, false, naming),
    CSRFPreventionToken: makeCsrfToken(state, username),
    clustername: state.data.clusterName,
    cap: capabilities(state, { userid: username }),
  });
  const challenge = args['tfa-challenge'];
  if (challenge !== undefined) {
    if (verifyTicket(state, String(challenge), true, naming) !== username) throw denied();
    const m = /^totp:(\d{6})$/.exec(password);
    if (!user.totp || !m || !verifyTotp(user.totp, m[1])) throw denied();
    return full();
  }
  // A valid ticket as password renews it, as Proxmox allows.
  const renewed = password.startsWith(`${naming.ticketPrefix}:`) && verifyTicket(state, password, false, naming) === username;
  if (!renewed && !(user.password !== undefined && safeEqual(user.password, password))) throw denied();
  if (user.totp && !renewed) {
    if (args.otp !== undefined && verifyTotp(user.totp, String(args.otp))) return full();
    return { username, ticket: makeTicket(state, username, true, naming), CSRFPreventionToken: makeCsrfToken(state, username), NeedTFA: 1 };
  }
  return full();
}

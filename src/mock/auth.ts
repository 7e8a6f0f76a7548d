/**
 * Authentication and authorisation like Proxmox VE (DESIGN.md §6): API tokens (`PVEAPIToken=`), tickets in the
 * `PVEAuthCookie` cookie with a `CSRFPreventionToken` header on writes, TOTP second factor, ACLs with roles,
 * and tokens with or without privilege separation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error';
import { BUILTIN_ROLES } from './privileges';
import type { AclEntry, MockState, User } from './state';
import { verifyTotp } from './totp';

export const TICKET_LIFETIME_S = 7200;

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
export function makeTicket(state: MockState, userid: string, pendingTfa = false): string {
  const body = `PVE:${pendingTfa ? '!tfa!' : ''}${userid}:${hexTime(Math.floor(Date.now() / 1000))}`;
  return `${body}::${sign(state.data.secret, body)}`;
}

/** The user a ticket stands for, or undefined when forged or expired. */
export function verifyTicket(state: MockState, ticket: string, pendingTfa = false): string | undefined {
  const m = /^(PVE:(!tfa!)?([^:]+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
  if (!m || Boolean(m[2]) !== pendingTfa) return undefined;
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

const unauthorized = () => new ApiError(401, 'No ticket');

/** Identify a request; throws 401 for bad credentials. Returns undefined when none were sent. */
export function identify(
  state: MockState,
  method: string,
  headers: Record<string, string | string[] | undefined>,
): Identity | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('PVEAPIToken')) {
    const m = /^PVEAPIToken[= ]([^!]+)!([^=]+)=(.+)$/.exec(auth.trim());
    if (!m) throw new ApiError(401, 'invalid token value!');
    const [, userid, name, secret] = m;
    const user = state.data.users[userid];
    const token = user?.tokens[name];
    if (!user || !token || !safeEqual(token.secret, secret)) throw new ApiError(401, 'invalid token value!');
    if (!user.enable || (token.expire && token.expire < Date.now() / 1000)) throw new ApiError(401, 'token expired');
    return { userid, tokenid: `${userid}!${name}`, privsep: Boolean(token.privsep) };
  }
  const ticket = cookie(typeof headers.cookie === 'string' ? headers.cookie : undefined, 'PVEAuthCookie');
  if (ticket) {
    const userid = verifyTicket(state, ticket);
    if (!userid) throw new ApiError(401, 'authentication failure');
    if (method !== 'GET') {
      const csrf = headers.csrfpreventiontoken;
      if (typeof csrf !== 'string' || !verifyCsrfToken(state, userid, csrf)) {
        throw new ApiError(401, 'Permission denied - invalid csrf token');
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
export function login(state: MockState, args: Record<string, unknown>): Record<string, unknown> {
  let username = String(args.username ?? '');
  if (!username.includes('@') && args.realm) username = `${username}@${String(args.realm)}`;
  const password = String(args.password ?? '');
  const user = state.data.users[username];
  const denied = () => new ApiError(401, 'authentication failure');
  if (!user || !user.enable) throw denied();
  const full = () => ({
    username,
    ticket: makeTicket(state, username),
    CSRFPreventionToken: makeCsrfToken(state, username),
    clustername: state.data.clusterName,
    cap: capabilities(state, { userid: username }),
  });
  const challenge = args['tfa-challenge'];
  if (challenge !== undefined) {
    if (verifyTicket(state, String(challenge), true) !== username) throw denied();
    const m = /^totp:(\d{6})$/.exec(password);
    if (!user.totp || !m || !verifyTotp(user.totp, m[1])) throw denied();
    return full();
  }
  // A valid ticket as password renews it, as Proxmox allows.
  const renewed = password.startsWith('PVE:') && verifyTicket(state, password) === username;
  if (!renewed && !(user.password !== undefined && safeEqual(user.password, password))) throw denied();
  if (user.totp && !renewed) {
    if (args.otp !== undefined && verifyTotp(user.totp, String(args.otp))) return full();
    return { username, ticket: makeTicket(state, username, true), CSRFPreventionToken: makeCsrfToken(state, username), NeedTFA: 1 };
  }
  return full();
}

// --- authorisation -------------------------------------------------------------------------------

function rolePrivs(roleid: string): string[] {
  return BUILTIN_ROLES[roleid] ?? [];
}

/** Privileges of a user (or, with `tokenid`, of a token's own ACL entries) on `path`, following propagation. */
function aclPrivileges(acl: AclEntry[], path: string, subject: { userid?: string; groups?: string[]; tokenid?: string }): Set<string> {
  const segs = path.split('/').filter(Boolean);
  let current = new Set<string>();
  for (let depth = 0; depth <= segs.length; depth++) {
    const at = '/' + segs.slice(0, depth).join('/');
    const exact = depth === segs.length;
    const applies = acl.filter((e) => e.path === at && (exact || e.propagate));
    const mine = subject.tokenid
      ? applies.filter((e) => e.type === 'token' && e.ugid === subject.tokenid)
      : applies.filter((e) => e.type === 'user' && e.ugid === subject.userid);
    const groups = subject.tokenid ? [] : applies.filter((e) => e.type === 'group' && subject.groups?.includes(e.ugid));
    const chosen = mine.length ? mine : groups;
    if (chosen.length) current = new Set(chosen.flatMap((e) => rolePrivs(e.roleid)));
  }
  return current;
}

export function privilegesOn(state: MockState, id: Identity, path: string): Set<string> {
  const user: User | undefined = state.data.users[id.userid];
  const userPrivs =
    id.userid === 'root@pam'
      ? new Set(BUILTIN_ROLES.Administrator)
      : aclPrivileges(state.data.acl, path, { userid: id.userid, groups: user?.groups ?? [] });
  if (!id.tokenid || !id.privsep) return userPrivs;
  const tokenPrivs = aclPrivileges(state.data.acl, path, { tokenid: id.tokenid });
  return new Set([...tokenPrivs].filter((p) => userPrivs.has(p)));
}

/** Throws 403 `Permission check failed (PATH, PRIV)` unless the caller has the privileges on `path`. */
export function requirePrivs(state: MockState, id: Identity, path: string, privs: string[], any = false): void {
  const have = privilegesOn(state, id, path);
  if (any ? privs.some((p) => have.has(p)) : privs.every((p) => have.has(p))) return;
  const missing = any ? privs.join('|') : privs.find((p) => !have.has(p));
  throw new ApiError(403, `Permission check failed (${path}, ${missing})`);
}

function fillPath(template: string, params: Record<string, unknown>): string | undefined {
  let missing = false;
  const out = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === '') missing = true;
    return String(v ?? '');
  });
  return missing ? undefined : out;
}

/**
 * Evaluate an operation's `permissions.check` from the schema (`perm`, `and`, `or`; user/group checks are
 * approximated by privileges on /access). Returns undefined when allowed, else the error to send.
 */
export function evaluateCheck(state: MockState, id: Identity, check: unknown, params: Record<string, unknown>): ApiError | undefined {
  if (!Array.isArray(check) || (id.userid === 'root@pam' && !id.privsep)) return undefined;
  const [kind, ...rest] = check as [string, ...unknown[]];
  switch (kind) {
    case 'perm': {
      const [pathTemplate, privs, ...opts] = rest as [string, string[], ...unknown[]];
      const requireParam = opts.indexOf('require_param');
      if (requireParam >= 0 && params[String(opts[requireParam + 1])] === undefined) return new ApiError(403, 'Permission check failed');
      const path = fillPath(pathTemplate, params);
      if (path === undefined) return undefined;
      const any = opts[0] === 'any' && Boolean(opts[1]);
      try {
        requirePrivs(state, id, path, privs, any);
        return undefined;
      } catch (e) {
        return e as ApiError;
      }
    }
    case 'and':
      for (const sub of rest) {
        const err = evaluateCheck(state, id, sub, params);
        if (err) return err;
      }
      return undefined;
    case 'or': {
      let first: ApiError | undefined;
      for (const sub of rest) {
        const err = evaluateCheck(state, id, sub, params);
        if (!err) return undefined;
        first ??= err;
      }
      return first;
    }
    case 'perm-modify':
      return evaluateCheck(state, id, ['perm', rest[0], ['Permissions.Modify']], params);
    case 'userid-param':
      if (rest[0] === 'self') return params.userid === id.userid ? undefined : new ApiError(403, 'Permission check failed (userid != self)');
      return evaluateCheck(state, id, ['perm', '/access/realm', [rest[0]]], params);
    case 'userid-group':
      return evaluateCheck(state, id, ['perm', '/access/groups', rest[0], 'any', 1], params);
    default:
      return undefined;
  }
}

/** The `cap` object of a login reply: privileges per top-level area. */
export function capabilities(state: MockState, id: Identity): Record<string, Record<string, number>> {
  const area = (path: string, prefix: string[]) =>
    Object.fromEntries([...privilegesOn(state, id, path)].filter((p) => prefix.some((x) => p.startsWith(x))).map((p) => [p, 1]));
  return {
    vms: area('/vms', ['VM.', 'Permissions.Modify']),
    storage: area('/storage', ['Datastore.', 'Permissions.Modify']),
    access: area('/access', ['User.', 'Group.', 'Realm.', 'Permissions.Modify']),
    nodes: area('/nodes', ['Sys.', 'Permissions.Modify']),
    dc: area('/', ['Sys.Audit', 'SDN.', 'Mapping.']),
    sdn: area('/sdn', ['SDN.']),
    mapping: area('/mapping', ['Mapping.']),
  };
}

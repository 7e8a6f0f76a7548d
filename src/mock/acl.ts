/**
 * Authorisation like Proxmox VE's RPCEnvironment: the roles on a path follow the ACL tree from `/` down (a deeper
 * entry replaces what came from above, only propagating entries reach below their path, a user's own entry beats
 * their groups', NoAccess wins alone); a guest or storage in a pool also gets the roles granted on /pool/{poolid};
 * a privilege-separated token has only what both it and its user have.
 */
import { MockError } from './mock-error';
import type { Identity } from './auth';
import { BUILTIN_ROLES } from './privileges';
import type { AclEntry, MockState } from './state';

const ALL = new Set(BUILTIN_ROLES.Administrator);

/** Whose ACL entries count: a user (with their groups) or a token (its own entries only). */
interface Subject {
  userid: string;
  tokenid?: string;
}

const covers = (aclPath: string, path: string) => aclPath === '/' || aclPath === path || path.startsWith(`${aclPath}/`);

/** Roles of one subject on `path` from the ACL tree alone (PVE::AccessControl::roles). */
function treeRoles(state: MockState, path: string, subject: Subject): Set<string> {
  const acl = state.data.acl;
  const groups = subject.tokenid ? [] : (state.data.users[subject.userid]?.groups ?? []);
  const levels = [...new Set(acl.map((e) => e.path).filter((p) => covers(p, path)))].sort((a, b) => a.length - b.length);
  let roles = new Set<string>();
  for (const level of levels) {
    const here = acl.filter((e) => e.path === level && (level === path || e.propagate));
    const found = subject.tokenid
      ? rolesOf(here.filter((e) => e.type === 'token' && e.ugid === subject.tokenid))
      : (rolesOf(here.filter((e) => e.type === 'user' && e.ugid === subject.userid)) ??
        rolesOf(here.filter((e) => e.type === 'group' && groups.includes(e.ugid))));
    if (found) roles = found;
  }
  return roles.has('NoAccess') ? new Set(['NoAccess']) : roles;
}

function rolesOf(entries: AclEntry[]): Set<string> | undefined {
  return entries.length ? new Set(entries.map((e) => e.roleid)) : undefined;
}

/** The pool member a path names: `/vms/100` → guests `qemu/100` or `lxc/100`, `/storage/local` → `storage/local`. */
function poolsHolding(state: MockState, path: string): string[] {
  const vm = /^\/vms\/(\d+)$/.exec(path);
  const storage = /^\/storage\/([^/]+)$/.exec(path);
  if (!vm && !storage) return [];
  const isMember = (m: string) => (vm ? m === `qemu/${vm[1]}` || m === `lxc/${vm[1]}` : m === `storage/${storage![1]}`);
  return Object.values(state.data.pools).filter((p) => p.members.some(isMember)).map((p) => p.poolid);
}

/** Tree roles plus those a pool grants its members; NoAccess on the path beats the pool, NoAccess on the pool beats the rest. */
function rolesOn(state: MockState, path: string, subject: Subject): Set<string> {
  const roles = treeRoles(state, path, subject);
  const fromPools = new Set(poolsHolding(state, path).flatMap((id) => [...treeRoles(state, `/pool/${id}`, subject)]));
  if (fromPools.size === 0 || roles.has('NoAccess')) return roles;
  if (fromPools.has('NoAccess')) return new Set(['NoAccess']);
  return new Set([...roles, ...fromPools]);
}

function privilegesOf(roles: Set<string>): Set<string> {
  return new Set([...roles].flatMap((r) => BUILTIN_ROLES[r] ?? []));
}

/** The privileges the caller has on `path`. */
export function privilegesOn(state: MockState, id: Identity, path: string): Set<string> {
  const userPrivs = id.userid === 'root@pam' ? ALL : privilegesOf(rolesOn(state, path, { userid: id.userid }));
  if (!id.tokenid || !id.privsep) return userPrivs;
  const tokenPrivs = privilegesOf(rolesOn(state, path, { userid: id.userid, tokenid: id.tokenid }));
  return new Set([...tokenPrivs].filter((p) => userPrivs.has(p)));
}

/** Does the caller have any (or, with `all`, every) privilege of `privs` on `path`? What list endpoints filter by. */
export function hasPrivs(state: MockState, id: Identity, path: string, privs: string[], all = false): boolean {
  const have = privilegesOn(state, id, path);
  return all ? privs.every((p) => have.has(p)) : privs.some((p) => have.has(p));
}

/** Throws 403 `Permission check failed (PATH, PRIV)` unless the caller has the privileges on `path`. */
export function requirePrivs(state: MockState, id: Identity, path: string, privs: string[], any = false): void {
  const have = privilegesOn(state, id, path);
  if (any ? privs.some((p) => have.has(p)) : privs.every((p) => have.has(p))) return;
  const missing = any ? privs.join('|') : privs.find((p) => !have.has(p));
  throw new MockError(403, `Permission check failed (${path}, ${missing})`);
}

function permError(path: string, privs: string[]): MockError {
  return new MockError(403, `Permission check failed (${path}, ${privs.join('|')})`);
}

/** The groups on whose `/access/groups/{group}` path the caller has any of `privs`. */
export function groupsWith(state: MockState, id: Identity, privs: string[]): string[] {
  return Object.keys(state.data.groups).filter((g) => hasPrivs(state, id, `/access/groups/${g}`, privs));
}

/** May the caller manage `userid` with `privs`: on /access/groups, or on a group the user belongs to. */
export function mayManageUser(state: MockState, id: Identity, userid: string, privs: string[]): boolean {
  if (hasPrivs(state, id, '/access/groups', privs)) return true;
  const groups = groupsWith(state, id, privs);
  return (state.data.users[userid]?.groups ?? []).some((g) => groups.includes(g));
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

/** `userid-group` of the schema: privileges on /access/groups, or on the groups involved. */
function checkUserGroup(state: MockState, id: Identity, privs: string[], opts: unknown[], params: Record<string, unknown>): MockError | undefined {
  if (hasPrivs(state, id, '/access/groups', privs)) return undefined;
  const allowed = groupsWith(state, id, privs);
  const at = opts.indexOf('groups_param');
  const groupsParam = at >= 0 ? String(opts[at + 1]) : undefined;
  if (groupsParam) {
    const wanted = String(params.groups ?? '').split(/[,;\s]+/).filter(Boolean);
    if (!wanted.length) return permError('/access/groups', privs);
    const refused = wanted.find((g) => !allowed.includes(g));
    if (refused) return permError(`/access/groups/${refused}`, privs);
  }
  if (groupsParam === 'create') return undefined;
  const member = (state.data.users[String(params.userid)]?.groups ?? []).some((g) => allowed.includes(g));
  return member ? undefined : new MockError(403, 'Permission check failed');
}

/**
 * Evaluate an operation's `permissions.check` from the schema (`perm`, `and`, `or`, `perm-modify`, `userid-param`,
 * `userid-group`). Returns undefined when allowed, else the error to send.
 */
export function evaluateCheck(state: MockState, id: Identity, check: unknown, params: Record<string, unknown>): MockError | undefined {
  if (!Array.isArray(check) || (id.userid === 'root@pam' && !id.privsep)) return undefined;
  const [kind, ...rest] = check as [string, ...unknown[]];
  switch (kind) {
    case 'perm': {
      const [pathTemplate, privs, ...opts] = rest as [string, string[], ...unknown[]];
      const requireParam = opts.indexOf('require_param');
      if (requireParam >= 0 && params[String(opts[requireParam + 1])] === undefined) return new MockError(403, 'Permission check failed');
      const path = fillPath(pathTemplate, params);
      if (path === undefined) return undefined;
      const any = opts[0] === 'any' && Boolean(opts[1]);
      try {
        requirePrivs(state, id, path, privs, any);
        return undefined;
      } catch (e) {
        return e as MockError;
      }
    }
    case 'and':
      for (const sub of rest) {
        const err = evaluateCheck(state, id, sub, params);
        if (err) return err;
      }
      return undefined;
    case 'or': {
      let first: MockError | undefined;
      for (const sub of rest) {
        const err = evaluateCheck(state, id, sub, params);
        if (!err) return undefined;
        first ??= err;
      }
      return first;
    }
    case 'perm-modify': {
      const path = fillPath(String(rest[0]), params) ?? '/access';
      const extra = path.startsWith('/storage/') ? 'Datastore.Allocate' : path.startsWith('/vms/') ? 'VM.Allocate' : path.startsWith('/pool/') ? 'Pool.Allocate' : undefined;
      return evaluateCheck(state, id, ['perm', path, extra ? ['Permissions.Modify', extra] : ['Permissions.Modify'], 'any', 1], params);
    }
    case 'userid-param': {
      // A token is not its user: Proxmox compares the full token id.
      if (rest[0] === 'self') return params.userid === (id.tokenid ?? id.userid) ? undefined : new MockError(403, 'Permission check failed');
      const realm = String(params.userid ?? '').split('@')[1] ?? '';
      return evaluateCheck(state, id, ['perm', `/access/realm/${realm}`, [rest[0]]], params);
    }
    case 'userid-group':
      return checkUserGroup(state, id, rest[0] as string[], rest.slice(1), params);
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

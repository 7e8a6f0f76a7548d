/** Users, API tokens, groups, roles, ACLs and login under /access. */
import { randomUUID } from 'node:crypto';
import { evaluateCheck, hasPrivs, mayManageUser, privilegesOn } from '../acl';
import { MockError, badParams, fail } from '../mock-error';
import { type Identity, login, userEnabled } from '../auth';
import { permissionDenied } from '../object-permissions';
import { ALL_PRIVILEGES, BUILTIN_ROLES } from '../privileges';
import { type AclEntry, type MockState, type User, dict } from '../state';
import { type HandlerContext, type HandlerTable, bool, int, str } from './context';
import { realmsOf } from './realms';

function userAt(state: MockState, userid: string): User {
  const u = state.data.users[userid];
  if (!u) throw fail(`no such user ('${userid}')`);
  return u;
}

function tokenAt(state: MockState, userid: string, tokenid: string) {
  const t = userAt(state, userid).tokens[tokenid];
  if (!t) throw fail(`no such token '${tokenid}' for user '${userid}'`);
  return t;
}

const list = (v: unknown) => String(v ?? '').split(/[,;\s]+/).filter(Boolean);

function userView(u: User, withTokens: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { userid: u.userid, enable: u.enable, expire: u.expire, groups: u.groups };
  for (const k of ['firstname', 'lastname', 'email', 'comment'] as const) if (u[k]) out[k] = u[k];
  if (withTokens) out.tokens = Object.entries(u.tokens).map(([tokenid, t]) => ({ tokenid, privsep: t.privsep, expire: t.expire, ...(t.comment ? { comment: t.comment } : {}) }));
  return out;
}

function setUserFields(ctx: HandlerContext, u: User): void {
  for (const k of ['firstname', 'lastname', 'email', 'comment'] as const) if (ctx.args[k] !== undefined) u[k] = String(ctx.args[k]);
  if (ctx.args.enable !== undefined) u.enable = bool(ctx.args.enable) ? 1 : 0;
  if (ctx.args.expire !== undefined) u.expire = int(ctx.args.expire, 0);
  if (ctx.args.groups !== undefined) {
    const groups = list(ctx.args.groups);
    for (const g of groups) if (!ctx.state.data.groups[g]) throw fail(`${ctx.method === 'POST' ? 'create' : 'update'} user failed: no such group '${g}'`);
    u.groups = bool(ctx.args.append) ? [...new Set([...u.groups, ...groups])] : groups;
  }
}

/** The identity `GET /access/permissions?userid=` asks about: a user, or a token with its own privsep flag. */
function identityOf(state: MockState, target: string): Identity {
  const [userid, name] = target.split('!');
  if (name === undefined) return { userid };
  return { userid, tokenid: target, privsep: Boolean(state.data.users[userid]?.tokens[name]?.privsep ?? 1) };
}

/** The paths Proxmox reports effective permissions on: the top levels, every ACL path, every pool member. */
function effectivePaths(state: MockState): string[] {
  const paths = new Set(['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms']);
  for (const e of state.data.acl) paths.add(e.path);
  for (const p of Object.values(state.data.pools)) for (const m of p.members) paths.add(m.startsWith('storage/') ? `/${m}` : `/vms/${m.split('/')[1]}`);
  return [...paths].sort();
}

/**
 * pve-access-control API2/AccessControl.pm change_password with RPCEnvironment reauth_user_for_user_modification:
 * a caller other than root@pam confirms with their own password; root@pam's password is root's alone; another
 * user's password only outside the pam realm; the pve realm stores it, other realm types cannot.
 */
function changePassword(ctx: HandlerContext): null {
  const userid = String(ctx.args.userid);
  const caller = ctx.id.userid;
  const target = userAt(ctx.state, userid);
  if (userid === 'root@pam' && caller !== 'root@pam') throw permissionDenied();
  if (caller !== 'root@pam') {
    const confirmation = ctx.args['confirmation-password'];
    if (confirmation === undefined) throw badParams({ 'confirmation-password': 'password is required to modify user' });
    const own = ctx.state.data.users[caller]?.password;
    if (own === undefined) throw fail('no password set');
    if (own !== String(confirmation)) throw fail('invalid credentials');
    if (caller === userid) {
      if (!userEnabled(ctx.state, userid)) throw fail(`user '${userid}' is disabled`);
    } else if (userid.endsWith('@pam')) throw permissionDenied();
  }
  const realm = userid.slice(userid.lastIndexOf('@') + 1);
  const type = realmsOf(ctx.state)[realm]?.type;
  if (type !== 'pve' && type !== 'pam') throw fail(`can't set password on auth type '${type ?? realm}'`);
  target.password = String(ctx.args.password);
  ctx.changed();
  return null;
}

export const accessHandlers: HandlerTable = {
  'PUT /access/password': changePassword,

  'POST /access/ticket': (ctx) => login(ctx.state, ctx.args),
  'GET /access/ticket': () => null,

  // Users the caller may manage or audit (on /access/groups or a group of theirs), and always the caller.
  'GET /access/users': (ctx) =>
    Object.values(ctx.state.data.users)
      .filter((u) => u.userid === (ctx.id.tokenid ?? ctx.id.userid) || mayManageUser(ctx.state, ctx.id, u.userid, ['User.Modify', 'Sys.Audit']))
      .filter((u) => ctx.args.enabled === undefined || Boolean(u.enable) === bool(ctx.args.enabled))
      .map((u) => {
        const realm = realmsOf(ctx.state)[u.userid.split('@')[1]];
        return { ...userView(u, bool(ctx.args.full)), ...(realm ? { 'realm-type': realm.type } : {}) };
      }),

  'POST /access/users': (ctx) => {
    const userid = String(ctx.args.userid);
    if (ctx.state.data.users[userid]) throw fail(`create user failed: user '${userid}' already exists`);
    // pve-access-control checks the realm only when it has to store a password there.
    const realm = userid.split('@')[1];
    if (ctx.args.password !== undefined && !realmsOf(ctx.state)[realm]) throw fail(`create user failed: auth domain '${realm}' does not exist`);
    const u: User = { userid, enable: 1, expire: 0, groups: [], tokens: dict() };
    setUserFields(ctx, u);
    if (ctx.args.password !== undefined) u.password = String(ctx.args.password);
    ctx.state.data.users[userid] = u;
    ctx.changed();
    return null;
  },

  'GET /access/users/{userid}': (ctx) => {
    const { userid: _u, ...rest } = userView(userAt(ctx.state, ctx.params.userid), true);
    return { ...rest, tokens: Object.fromEntries((rest.tokens as Array<Record<string, unknown>>).map(({ tokenid, ...t }) => [tokenid, t])) };
  },

  'PUT /access/users/{userid}': (ctx) => {
    setUserFields(ctx, userAt(ctx.state, ctx.params.userid));
    ctx.changed();
    return null;
  },

  'DELETE /access/users/{userid}': (ctx) => {
    userAt(ctx.state, ctx.params.userid);
    if (ctx.params.userid === 'root@pam') throw fail('deleting root@pam is not allowed in the mock');
    delete ctx.state.data.users[ctx.params.userid];
    ctx.state.data.acl = ctx.state.data.acl.filter((e) => e.ugid !== ctx.params.userid && !e.ugid.startsWith(`${ctx.params.userid}!`));
    ctx.changed();
    return null;
  },

  'GET /access/users/{userid}/token': (ctx) => userView(userAt(ctx.state, ctx.params.userid), true).tokens,

  'GET /access/users/{userid}/token/{tokenid}': (ctx) => {
    const t = tokenAt(ctx.state, ctx.params.userid, ctx.params.tokenid);
    return { privsep: t.privsep, expire: t.expire, ...(t.comment ? { comment: t.comment } : {}) };
  },

  'POST /access/users/{userid}/token/{tokenid}': (ctx) => {
    const u = userAt(ctx.state, ctx.params.userid);
    const name = ctx.params.tokenid;
    if (u.tokens[name]) throw badParams({ tokenid: 'Token already exists.' });
    const token = { secret: randomUUID(), privsep: ctx.args.privsep === undefined ? 1 : bool(ctx.args.privsep) ? 1 : 0, expire: int(ctx.args.expire, 0), comment: str(ctx.args.comment) };
    u.tokens[name] = token;
    ctx.changed();
    return { 'full-tokenid': `${u.userid}!${name}`, info: { privsep: token.privsep, expire: token.expire, ...(token.comment ? { comment: token.comment } : {}) }, value: token.secret };
  },

  'PUT /access/users/{userid}/token/{tokenid}': (ctx) => {
    const t = tokenAt(ctx.state, ctx.params.userid, ctx.params.tokenid);
    if (ctx.args.privsep !== undefined) t.privsep = bool(ctx.args.privsep) ? 1 : 0;
    if (ctx.args.expire !== undefined) t.expire = int(ctx.args.expire, 0);
    if (ctx.args.comment !== undefined) t.comment = String(ctx.args.comment);
    const out: Record<string, unknown> = { privsep: t.privsep, expire: t.expire, ...(t.comment ? { comment: t.comment } : {}) };
    if (bool(ctx.args.regenerate)) {
      t.secret = randomUUID();
      out['full-tokenid'] = `${ctx.params.userid}!${ctx.params.tokenid}`;
      out.value = t.secret;
    }
    ctx.changed();
    return out;
  },

  'DELETE /access/users/{userid}/token/{tokenid}': (ctx) => {
    tokenAt(ctx.state, ctx.params.userid, ctx.params.tokenid);
    delete ctx.state.data.users[ctx.params.userid].tokens[ctx.params.tokenid];
    const full = `${ctx.params.userid}!${ctx.params.tokenid}`;
    ctx.state.data.acl = ctx.state.data.acl.filter((e) => e.ugid !== full);
    ctx.changed();
    return null;
  },

  'GET /access/groups': (ctx) =>
    Object.values(ctx.state.data.groups)
      .filter((g) => hasPrivs(ctx.state, ctx.id, `/access/groups/${g.groupid}`, ['User.Modify', 'Sys.Audit', 'Group.Allocate']))
      .map((g) => ({
        groupid: g.groupid,
        ...(g.comment ? { comment: g.comment } : {}),
        users: Object.values(ctx.state.data.users).filter((u) => u.groups.includes(g.groupid)).map((u) => u.userid).join(','),
      })),

  'POST /access/groups': (ctx) => {
    const id = String(ctx.args.groupid);
    if (ctx.state.data.groups[id]) throw fail(`create group failed: group '${id}' already exists`);
    ctx.state.data.groups[id] = { groupid: id, comment: str(ctx.args.comment) };
    ctx.changed();
    return null;
  },

  'GET /access/roles': () =>
    Object.entries(BUILTIN_ROLES).map(([roleid, privs]) => ({ roleid, privs: privs.join(','), special: 1 })),

  // Entries on paths where the caller may change permissions, or all with Sys.Audit on /access.
  'GET /access/acl': (ctx) => {
    const audit = hasPrivs(ctx.state, ctx.id, '/access', ['Sys.Audit']);
    return ctx.state.data.acl.filter((e) => audit || !evaluateCheck(ctx.state, ctx.id, ['perm-modify', e.path], {})).map((e) => ({ ...e }));
  },

  'PUT /access/acl': (ctx) => {
    // pve-access-control API2/ACL.pm update_acl.
    if (ctx.args.users === undefined && ctx.args.groups === undefined && ctx.args.tokens === undefined) {
      const required = "either 'users', 'groups' or 'tokens' is required.";
      throw badParams({ users: required, groups: required, tokens: required });
    }
    const path = String(ctx.args.path);
    const roles = list(ctx.args.roles);
    const failed = (message: string) => fail(`ACL update failed: ${message}`);
    for (const r of roles) if (!BUILTIN_ROLES[r]) throw failed(`role '${r}' does not exist`);
    const subjects: Array<Pick<AclEntry, 'ugid' | 'type'>> = [
      ...list(ctx.args.users).map((ugid) => ({ ugid, type: 'user' as const })),
      ...list(ctx.args.groups).map((ugid) => ({ ugid, type: 'group' as const })),
      ...list(ctx.args.tokens).map((ugid) => ({ ugid, type: 'token' as const })),
    ];
    for (const s of subjects) {
      if (s.type === 'user' && !ctx.state.data.users[s.ugid]) throw failed(`user '${s.ugid}' does not exist`);
      if (s.type === 'group' && !ctx.state.data.groups[s.ugid]) throw failed(`group '${s.ugid}' does not exist`);
      if (s.type === 'token') {
        const [uid, name] = s.ugid.split('!');
        if (!ctx.state.data.users[uid]) throw failed(`no such user ('${uid}')`);
        if (!ctx.state.data.users[uid].tokens[name]) throw failed(`no such token '${name}' for user '${uid}'`);
      }
    }
    const propagate = ctx.args.propagate === undefined ? 1 : bool(ctx.args.propagate) ? 1 : 0;
    const acl = ctx.state.data.acl;
    for (const s of subjects) {
      for (const roleid of roles) {
        const i = acl.findIndex((e) => e.path === path && e.ugid === s.ugid && e.type === s.type && e.roleid === roleid);
        if (bool(ctx.args.delete)) {
          if (i >= 0) acl.splice(i, 1);
        } else if (i >= 0) acl[i].propagate = propagate;
        else acl.push({ path, ugid: s.ugid, type: s.type, roleid, propagate });
      }
    }
    ctx.changed();
    return null;
  },

  // Own permissions (a user's also those of their tokens), anyone's with Sys.Audit on /access.
  'GET /access/permissions': (ctx) => {
    const target = str(ctx.args.userid);
    const own = !target || target === (ctx.id.tokenid ?? ctx.id.userid) || (!ctx.id.tokenid && target.startsWith(`${ctx.id.userid}!`));
    if (!own && !hasPrivs(ctx.state, ctx.id, '/access', ['Sys.Audit'])) throw new MockError(403, 'Permission check failed (/access, Sys.Audit)');
    const id = target ? identityOf(ctx.state, target) : ctx.id;
    const one = str(ctx.args.path);
    const out: Record<string, Record<string, number>> = {};
    for (const p of one ? [one] : effectivePaths(ctx.state)) {
      const privs = [...privilegesOn(ctx.state, id, p)].filter((x) => (ALL_PRIVILEGES as readonly string[]).includes(x)).sort();
      if (one || privs.length) out[p] = Object.fromEntries(privs.map((x) => [x, 1]));
    }
    return out;
  },
};

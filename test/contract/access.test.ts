// Contract corpus: logins, tickets, tokens, disabled and expired accounts, passwords, users, groups, ACLs and
// realms, as pve-access-control and pve-manager's auth handler answer them.
import { expect } from 'vitest';
import { type Auth, type ContractMock, type Source, loginAt } from './client';
import { corpus, type Entry, must } from './corpus';

const api = (file: string, fn: string): Source => ({ repo: 'pve-access-control', file: `src/PVE/API2/${file}.pm`, fn });
const ac = (fn: string): Source => ({ repo: 'pve-access-control', file: 'src/PVE/AccessControl.pm', fn });
const authHandler: Source = { repo: 'pve-manager', file: 'PVE/HTTPServer.pm', fn: 'auth_handler' };
const rpcenv = (fn: string): Source => ({ repo: 'pve-access-control', file: 'src/PVE/RPCEnvironment.pm', fn });

const PASSWORDS = { carol: 'carol-pass-1', dave: 'dave-pass-12', erin: 'erin-pass-12' };
const NEW_CAROL = 'carol-pass-2';
const AUTH_FAILED = 'Authentication failed!';
const LOGIN_FAILED = 'authentication failure';

/** A token's `Authorization` value from its creation reply. */
async function token(mock: ContractMock, userid: string, name: string, params: Record<string, string> = {}): Promise<Auth> {
  const reply = await must(mock, 'POST', `/access/users/${userid}/token/${name}`, params);
  const data = reply.body?.data as { 'full-tokenid': string; value: string };
  return { token: `${data['full-tokenid']}=${data.value}` };
}

async function setup(mock: ContractMock): Promise<Record<string, Auth>> {
  for (const [name, password] of Object.entries(PASSWORDS)) await must(mock, 'POST', '/access/users', { userid: `${name}@pve`, password });
  await must(mock, 'PUT', '/access/users/erin@pve', { expire: '1000' });
  const carol = await mock.login('carol@pve', PASSWORDS.carol);
  return {
    carol,
    carolNoCsrf: { ticket: (carol as { ticket: string }).ticket, csrf: '' },
    dave: await mock.login('dave@pve', PASSWORDS.dave),
    alice: await mock.login('alice@pve', 'pvecli-demo'),
    carolToken: await token(mock, 'carol@pve', 'ci', { privsep: '0' }),
    carolPrivsep: await token(mock, 'carol@pve', 'ps', { privsep: '1' }),
    carolExpired: await token(mock, 'carol@pve', 'old', { privsep: '0', expire: '1000' }),
    daveToken: await token(mock, 'dave@pve', 'ci', { privsep: '0' }),
  };
}

const login = (behaviour: string, params: Record<string, string>, status: number, source = api('AccessControl', 'create_ticket')): Entry => ({
  behaviour,
  source,
  method: 'POST',
  path: '/access/ticket',
  params,
  as: 'anonymous',
  status,
  ...(status === 401 ? { reason: LOGIN_FAILED } : {}),
});

const version = (behaviour: string, as: string, status: number, source: Source, reason?: string): Entry => ({ behaviour, source, method: 'GET', path: '/version', as, status, reason });
const VM_STATUS = '/nodes/pve/qemu/100/status/current';

const entries: Entry[] = [
  // Logins and tickets.
  {
    ...login('a login with the right password answers a ticket, a CSRF token and the user', { username: 'carol@pve', password: PASSWORDS.carol }, 200),
    check: (reply) => expect(Object.keys(reply.body?.data as object)).toEqual(expect.arrayContaining(['ticket', 'CSRFPreventionToken', 'username', 'cap'])),
  },
  login('a login with the realm as its own parameter', { username: 'carol', realm: 'pve', password: PASSWORDS.carol }, 200),
  login('a wrong password is an authentication failure', { username: 'carol@pve', password: 'wrong-pass' }, 401),
  login('an unknown user is the same authentication failure', { username: 'nobody@pve', password: 'whatever1' }, 401),
  login("a user whose account expired cannot log in", { username: 'erin@pve', password: PASSWORDS.erin }, 401, ac('check_user_enabled')),
  version('a request without a ticket or token', 'anonymous', 401, authHandler, 'No ticket'),
  {
    behaviour: 'a write with a ticket but without the CSRF token',
    source: authHandler,
    method: 'POST',
    path: '/pools',
    params: { poolid: 'nocsrf' },
    as: 'carolNoCsrf',
    status: 401,
    reason: 'Permission denied - invalid csrf token',
  },
  {
    behaviour: 'a valid ticket as the password renews the ticket',
    source: api('AccessControl', 'create_ticket'),
    method: 'GET',
    path: '/version',
    as: 'carol',
    status: 200,
    check: async (_reply, { mock, callers }) => {
      const renewed = await mock.call('POST', '/access/ticket', { username: 'carol@pve', password: (callers.carol as { ticket: string }).ticket }, null);
      expect(renewed.status).toBe(200);
    },
  },
  // Disabled and expired accounts: logins, existing tickets and tokens (check_user_enabled).
  { behaviour: 'root disables a user', source: api('User', 'update_user'), method: 'PUT', path: '/access/users/dave@pve', params: { enable: '0' }, status: 200 },
  version("a disabled user's existing ticket is refused", 'dave', 401, authHandler, AUTH_FAILED),
  version("a disabled user's token is refused", 'daveToken', 401, ac('verify_token'), AUTH_FAILED),
  login('a disabled user cannot log in', { username: 'dave@pve', password: PASSWORDS.dave }, 401, ac('check_user_enabled')),
  { behaviour: 'root enables the user again', source: api('User', 'update_user'), method: 'PUT', path: '/access/users/dave@pve', params: { enable: '1' }, status: 200 },
  version('the ticket works again once the user is enabled', 'dave', 200, authHandler),
  { behaviour: "root sets the user's expiry in the past", source: api('User', 'update_user'), method: 'PUT', path: '/access/users/dave@pve', params: { expire: '1000' }, status: 200 },
  version("an expired user's existing ticket is refused", 'dave', 401, authHandler, AUTH_FAILED),
  version("an expired user's token is refused", 'daveToken', 401, ac('verify_token'), AUTH_FAILED),
  // Tokens.
  version('a token of an enabled user', 'carolToken', 200, ac('verify_token')),
  version('a token past its own expiry is refused', 'carolExpired', 401, ac('verify_token'), AUTH_FAILED),
  {
    behaviour: 'a token name already taken',
    source: api('User', 'generate_token'),
    method: 'POST',
    path: '/access/users/carol@pve/token/ci',
    status: 400,
    errors: { tokenid: 'Token already exists.' },
  },
  {
    behaviour: 'a token of another user that does not exist',
    source: ac('check_token_exist'),
    method: 'GET',
    path: '/access/users/carol@pve/token/nosuch',
    status: 500,
    reason: "no such token 'nosuch' for user 'carol@pve'",
  },
  // Passwords (change_password, reauth_user_for_user_modification).
  {
    behaviour: 'a user changing their own password must confirm with the current one',
    source: rpcenv('reauth_user_for_user_modification'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'carol@pve', password: NEW_CAROL },
    as: 'carol',
    status: 400,
    errors: { 'confirmation-password': 'password is required to modify user' },
  },
  {
    behaviour: 'a wrong confirmation password is refused',
    source: { repo: 'pve-access-control', file: 'src/PVE/Auth/PVE.pm', fn: 'authenticate_user' },
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'carol@pve', password: NEW_CAROL, 'confirmation-password': 'wrong-pass' },
    as: 'carol',
    status: 500,
    reason: 'invalid credentials',
  },
  {
    behaviour: 'a user changes their own password: the old one stops working, the new one logs in',
    source: api('AccessControl', 'change_password'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'carol@pve', password: NEW_CAROL, 'confirmation-password': PASSWORDS.carol },
    as: 'carol',
    status: 200,
    check: async (_reply, { mock }) => {
      expect((await mock.call('POST', '/access/ticket', { username: 'carol@pve', password: PASSWORDS.carol }, null)).status).toBe(401);
      await loginAt(mock.url, 'carol@pve', NEW_CAROL);
    },
  },
  {
    behaviour: 'an API token cannot change a password',
    source: { repo: 'pve-manager', file: 'PVE/HTTPServer.pm', fn: 'rest_handler' },
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'carol@pve', password: 'carol-pass-3' },
    as: 'carolToken',
    status: 403,
    reason: /^Permission check failed \(URI '\/access\/password' not available with API token, need proper ticket\.\s*\)$/,
  },
  {
    behaviour: "a user without privileges cannot change another user's password",
    source: rpcenv('exec_api2_perm_check'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'alice@pve', password: 'alice-pass-9', 'confirmation-password': NEW_CAROL },
    as: 'carol',
    status: 403,
    reason: 'Permission check failed',
  },
  {
    behaviour: "an administrator changes another user's password, confirming with their own",
    source: api('AccessControl', 'change_password'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'carol@pve', password: 'carol-pass-4', 'confirmation-password': 'pvecli-demo' },
    as: 'alice',
    status: 200,
    check: async (_reply, { mock }) => void (await loginAt(mock.url, 'carol@pve', 'carol-pass-4')),
  },
  {
    behaviour: "only root@pam changes root@pam's password",
    source: rpcenv('reauth_user_for_user_modification'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'root@pam', password: 'root-pass-99', 'confirmation-password': 'pvecli-demo' },
    as: 'alice',
    status: 403,
    reason: 'Permission check failed',
  },
  {
    behaviour: 'root@pam changes a password without confirming',
    source: api('AccessControl', 'change_password'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'carol@pve', password: NEW_CAROL },
    status: 200,
  },
  // Users and groups.
  { behaviour: 'an unknown user', source: ac('check_user_exist'), method: 'GET', path: '/access/users/nobody@pve', status: 500, reason: "no such user ('nobody@pve')" },
  {
    behaviour: 'a user that already exists',
    source: api('User', 'create_user'),
    method: 'POST',
    path: '/access/users',
    params: { userid: 'carol@pve' },
    status: 500,
    reason: "create user failed: user 'carol@pve' already exists",
  },
  {
    behaviour: 'a new user in a group that does not exist',
    source: api('User', 'create_user'),
    method: 'POST',
    path: '/access/users',
    params: { userid: 'gina@pve', groups: 'nogroup' },
    status: 500,
    reason: "create user failed: no such group 'nogroup'",
  },
  {
    behaviour: 'a group that already exists',
    source: api('Group', 'create_group'),
    method: 'POST',
    path: '/access/groups',
    params: { groupid: 'admins' },
    status: 500,
    reason: "create group failed: group 'admins' already exists",
  },
  // ACLs and roles (update_acl).
  {
    behaviour: 'an ACL entry needs users, groups or tokens',
    source: api('ACL', 'update_acl'),
    method: 'PUT',
    path: '/access/acl',
    params: { path: '/vms/100', roles: 'PVEVMUser' },
    status: 400,
    errors: {
      users: "either 'users', 'groups' or 'tokens' is required.",
      groups: "either 'users', 'groups' or 'tokens' is required.",
      tokens: "either 'users', 'groups' or 'tokens' is required.",
    },
  },
  {
    behaviour: 'an ACL entry with a role that does not exist',
    source: api('ACL', 'update_acl'),
    method: 'PUT',
    path: '/access/acl',
    params: { path: '/vms/100', roles: 'Nope', users: 'carol@pve' },
    status: 500,
    reason: "ACL update failed: role 'Nope' does not exist",
  },
  {
    behaviour: 'an ACL entry for a user that does not exist',
    source: api('ACL', 'update_acl'),
    method: 'PUT',
    path: '/access/acl',
    params: { path: '/vms/100', roles: 'PVEVMUser', users: 'nobody@pve' },
    status: 500,
    reason: "ACL update failed: user 'nobody@pve' does not exist",
  },
  { behaviour: 'without an ACL a user cannot see a VM', source: rpcenv('check'), method: 'GET', path: VM_STATUS, as: 'carolToken', status: 403, reason: 'Permission check failed (/vms/100, VM.Audit)' },
  { behaviour: 'root grants a role on the VM', source: api('ACL', 'update_acl'), method: 'PUT', path: '/access/acl', params: { path: '/vms/100', roles: 'PVEVMUser', users: 'carol@pve' }, status: 200 },
  { behaviour: "the user's token without privilege separation has the user's privileges", source: rpcenv('permissions'), method: 'GET', path: VM_STATUS, as: 'carolToken', status: 200 },
  { behaviour: 'a privilege-separated token has none of them without its own ACL', source: rpcenv('permissions'), method: 'GET', path: VM_STATUS, as: 'carolPrivsep', status: 403, reason: 'Permission check failed (/vms/100, VM.Audit)' },
  { behaviour: 'root grants the token a role', source: api('ACL', 'update_acl'), method: 'PUT', path: '/access/acl', params: { path: '/vms/100', roles: 'PVEAuditor', tokens: 'carol@pve!ps' }, status: 200 },
  { behaviour: 'the privilege-separated token now has what both it and its user have', source: rpcenv('permissions'), method: 'GET', path: VM_STATUS, as: 'carolPrivsep', status: 200 },
  {
    behaviour: 'the built-in roles are listed with their privileges',
    source: api('Role', 'index'),
    method: 'GET',
    path: '/access/roles',
    status: 200,
    check: (reply) => expect(reply.body?.data).toEqual(expect.arrayContaining([expect.objectContaining({ roleid: 'Administrator', special: 1 })])),
  },
  // Realms.
  {
    behaviour: 'the realm list needs no login',
    source: authHandler,
    method: 'GET',
    path: '/access/domains',
    as: 'anonymous',
    status: 200,
  },
  {
    behaviour: 'a realm that already exists',
    source: api('Domains', 'create'),
    method: 'POST',
    path: '/access/domains',
    params: { realm: 'pve', type: 'openid', 'issuer-url': 'https://id.example.com', 'client-id': 'pve' },
    status: 500,
    reason: "add auth server failed: domain 'pve' already exists",
  },
];

corpus('contract: access control as pve-access-control answers it', entries, setup);

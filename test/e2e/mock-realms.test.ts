// Authentication realms as pve-access-control keeps them: pam and pve always there with their own comments, other
// realms created, changed and removed with the options of their type and Proxmox's error messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../../src/mock';
import { type Reply, request, tempDir, tokenHeader, waitTask } from './mock-helpers';

const TOKEN = 'root@pam!realms=realms-secret';
const h = tokenHeader(TOKEN);
type Row = Record<string, unknown>;

describe('mock: authentication realms', () => {
  let server: MockServer;
  const call = (method: string, path: string, params: Record<string, unknown> = {}, headers: Record<string, string> = h): Promise<Reply> =>
    request(server.url, method, path, { params, headers });
  const data = async (method: string, path: string, params: Record<string, unknown> = {}) => {
    const r = await call(method, path, params);
    expect(r.status, `${method} ${path}: ${r.statusText}`).toBe(200);
    return r.body.data;
  };
  const refused = async (method: string, path: string, params: Record<string, unknown> = {}) => {
    const r = await call(method, path, params);
    return [r.status, r.statusText];
  };
  const list = async () => (await data('GET', '/access/domains')) as Row[];

  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], taskDuration: 20 });
  });
  afterAll(async () => server?.close());

  it('has pam and pve, listed to anyone (the login form needs them), readable with their config', async () => {
    const anonymous = await call('GET', '/access/domains', {}, {});
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.data).toEqual([
      { realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
      { realm: 'pve', type: 'pve', comment: 'Proxmox VE authentication server' },
    ]);
    expect(await data('GET', '/access/domains/pam')).toMatchObject({ type: 'pam', comment: 'Linux PAM standard authentication', plugin: 'PVE::Auth::PAM' });
    expect(await data('GET', '/access/domains/pve')).toMatchObject({ type: 'pve', comment: 'Proxmox VE authentication server', digest: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(await refused('GET', '/access/domains/nope')).toEqual([500, "domain 'nope' does not exist"]);
    const users = (await data('GET', '/access/users')) as Row[];
    expect(users.find((u) => u.userid === 'root@pam')).toMatchObject({ 'realm-type': 'pam' });
    expect(users.find((u) => u.userid === 'alice@pve')).toMatchObject({ 'realm-type': 'pve' });
  });

  it('creates realms with the options of their type, refusing what Proxmox refuses', async () => {
    const add = (params: Record<string, unknown>) => refused('POST', '/access/domains', params);
    expect(await add({ realm: 'pam', type: 'ldap' })).toEqual([500, "add auth server failed: domain 'pam' already exists"]);
    expect(await add({ realm: 'local2', type: 'pve' })).toEqual([500, "add auth server failed: unable to create builtin type 'pve'"]);
    expect(await add({ realm: 'corp', type: 'ad', server1: 'dc.example.com' })).toEqual([500, "add auth server failed: missing value for required option 'domain'"]);
    expect(await add({ realm: 'sso', type: 'openid', 'issuer-url': 'https://id.example.com', 'client-id': 'pve', server1: 'x' })).toEqual([
      500,
      "add auth server failed: unexpected property 'server1'",
    ]);
    await data('POST', '/access/domains', { realm: 'corp', type: 'ad', server1: 'dc.example.com', domain: 'example.com', default: 1, password: 'bind-secret', tfa: 'type=oath' });
    expect((await list()).find((r) => r.realm === 'corp')).toEqual({ realm: 'corp', type: 'ad', default: 1, tfa: 'oath' });
    const corp = (await data('GET', '/access/domains/corp')) as Row;
    expect(corp).toMatchObject({ type: 'ad', server1: 'dc.example.com', domain: 'example.com', default: 1 });
    // The bind password is kept apart, never shown.
    expect(corp).not.toHaveProperty('password');
    // One default realm: a new default takes it over.
    await data('POST', '/access/domains', { realm: 'sso', type: 'openid', 'issuer-url': 'https://id.example.com', 'client-id': 'pve', default: 1 });
    expect((await list()).filter((r) => r.default).map((r) => r.realm)).toEqual(['sso']);
  });

  it('updates a realm: options of its type, deletions, digest', async () => {
    const set = (realm: string, params: Record<string, unknown>) => refused('PUT', `/access/domains/${realm}`, params);
    expect(await set('corp', {})).toEqual([500, 'update auth server failed: no options specified']);
    expect(await set('corp', { 'issuer-url': 'https://x' })).toEqual([500, "update auth server failed: unexpected property 'issuer-url'"]);
    // Fixed at creation: not even a parameter of the update.
    expect(await set('sso', { 'username-claim': 'email' })).toEqual([400, 'Parameter verification failed.']);
    expect(await set('nope', { comment: 'x' })).toEqual([500, "update auth server failed: domain 'nope' does not exist"]);
    expect(await set('corp', { comment: 'x', digest: '0'.repeat(40) })).toEqual([
      500,
      'update auth server failed: detected modified configuration - file changed by other user? Try again.',
    ]);
    const { digest } = (await data('GET', '/access/domains/corp')) as Row;
    await data('PUT', '/access/domains/corp', { comment: 'Corporate AD', port: 636, delete: 'tfa', digest });
    const corp = (await data('GET', '/access/domains/corp')) as Row;
    expect(corp).toMatchObject({ comment: 'Corporate AD', port: 636 });
    expect(corp).not.toHaveProperty('tfa');
  });

  it('deletes realms; pam and pve come back with their defaults, as Proxmox re-adds them', async () => {
    await data('PUT', '/access/domains/pam', { comment: 'Local accounts' });
    expect((await list()).find((r) => r.realm === 'pam')).toMatchObject({ comment: 'Local accounts' });
    await data('DELETE', '/access/domains/pam');
    await data('DELETE', '/access/domains/pve');
    const realms = await list();
    expect(realms.find((r) => r.realm === 'pam')).toEqual({ realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' });
    expect(realms.find((r) => r.realm === 'pve')).toEqual({ realm: 'pve', type: 'pve', comment: 'Proxmox VE authentication server' });
    await data('DELETE', '/access/domains/sso');
    expect((await list()).map((r) => r.realm)).not.toContain('sso');
    expect(await refused('DELETE', '/access/domains/sso')).toEqual([500, "delete auth server failed: authentication domain 'sso' does not exist"]);
  });

  it('a user with a password needs an existing realm to store it in', async () => {
    expect(await refused('POST', '/access/users', { userid: 'eve@nowhere', password: 'long-enough-pw' })).toEqual([
      500,
      "create user failed: auth domain 'nowhere' does not exist",
    ]);
    await data('POST', '/access/users', { userid: 'eve@nowhere' });
    await data('POST', '/access/users', { userid: 'eve@pve', password: 'long-enough-pw' });
  });

  it('syncs only LDAP and AD realms, with a scope', async () => {
    expect(await refused('POST', '/access/domains/pve/sync')).toEqual([500, "Cannot sync realm type 'pve'! Only LDAP/AD realms can be synced."]);
    const unknown = await call('POST', '/access/domains/nope/sync');
    expect([unknown.status, unknown.body.errors]).toEqual([400, { realm: 'Realm does not exist.' }]);
    const noScope = await call('POST', '/access/domains/corp/sync');
    expect([noScope.status, noScope.body.errors]).toEqual([400, { scope: 'Not passed as parameter and not defined in realm default sync options.' }]);
    const upid = String(await data('POST', '/access/domains/corp/sync', { scope: 'users', 'dry-run': 1 }));
    expect(upid).toMatch(/:auth-realm-sync-test:corp:root@pam!realms:$/);
    expect((await waitTask(server.url, upid, h)).exitstatus).toBe('OK');
  });
});

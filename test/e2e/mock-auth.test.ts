// Issue 5: authentication and authorisation like Proxmox VE (DESIGN.md §6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, type MockServer, startMockServer, totp } from '../../src/mock';
import { request, tempDir, tokenHeader } from './mock-helpers';

const ROOT_TOKEN = 'root@pam!full=root-secret';
const PRIVSEP_TOKEN = 'root@pam!limited=limited-secret';

describe('mock: authentication and permissions', () => {
  let server: MockServer;
  let privsep: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [ROOT_TOKEN], taskDuration: 10 });
    privsep = await startMockServer({ port: 0, certDir: tempDir(), tokens: [PRIVSEP_TOKEN], privsep: true, taskDuration: 10 });
  });
  afterAll(async () => {
    await server?.close();
    await privsep?.close();
  });

  const login = (username: string, password: string, extra: Record<string, string> = {}) =>
    request(server.url, 'POST', '/access/ticket', { params: { username, password, ...extra } });

  it('refuses requests without credentials with 401', async () => {
    const r = await request(server.url, 'GET', '/nodes');
    expect(r.status).toBe(401);
    expect(r.body.data).toBeNull();
  });

  it('refuses a wrong token secret with 401, accepts the right one', async () => {
    expect((await request(server.url, 'GET', '/nodes', { headers: tokenHeader('root@pam!full=wrong') })).status).toBe(401);
    const ok = await request(server.url, 'GET', '/nodes', { headers: tokenHeader(ROOT_TOKEN) });
    expect(ok.status).toBe(200);
    expect((ok.body.data as Array<{ node: string }>).map((n) => n.node)).toEqual(['pve', 'pve2', 'pve3']);
  });

  it('logs root@pam in with the demo password: ticket, CSRF token, username, cap', async () => {
    const r = await login('root@pam', DEMO_PASSWORD);
    expect(r.status).toBe(200);
    const data = r.body.data as Record<string, unknown>;
    expect(data.username).toBe('root@pam');
    expect(String(data.ticket)).toMatch(/^PVE:root@pam:[0-9A-F]{8}::/);
    expect(String(data.CSRFPreventionToken)).toMatch(/^[0-9A-F]{8}:/);
    expect(data.cap).toHaveProperty('vms');
    expect((await login('root@pam', 'wrong')).status).toBe(401);
    expect((await login('root', DEMO_PASSWORD, { realm: 'pam' })).status).toBe(200);
  });

  it('needs the CSRF header for writes with a ticket cookie', async () => {
    const data = (await login('root@pam', DEMO_PASSWORD)).body.data as Record<string, string>;
    const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(data.ticket)}` };
    expect((await request(server.url, 'GET', '/version', { headers: cookie })).status).toBe(200);
    const noCsrf = await request(server.url, 'POST', '/pools', { params: { poolid: 'csrf1' }, headers: cookie });
    expect(noCsrf.status).toBe(401);
    const withCsrf = await request(server.url, 'POST', '/pools', {
      params: { poolid: 'csrf1' },
      headers: { ...cookie, CSRFPreventionToken: data.CSRFPreventionToken },
    });
    expect(withCsrf.status).toBe(200);
    const forged = await request(server.url, 'GET', '/version', { headers: { Cookie: 'PVEAuthCookie=PVE:root@pam:00000000::forged' } });
    expect(forged.status).toBe(401);
  });

  it('completes TOTP second factor logins', async () => {
    const first = await login('tfa@pve', DEMO_PASSWORD);
    expect(first.status).toBe(200);
    const pending = first.body.data as Record<string, unknown>;
    expect(pending.NeedTFA).toBe(1);
    // A pending ticket is no ticket.
    const early = await request(server.url, 'GET', '/version', { headers: { Cookie: `PVEAuthCookie=${encodeURIComponent(String(pending.ticket))}` } });
    expect(early.status).toBe(401);
    const wrong = await login('tfa@pve', 'totp:000000', { 'tfa-challenge': String(pending.ticket) });
    expect(wrong.status).toBe(401);
    const done = await login('tfa@pve', `totp:${totp(DEMO_TOTP_SECRET)}`, { 'tfa-challenge': String(pending.ticket) });
    expect(done.status).toBe(200);
    const full = done.body.data as Record<string, string>;
    expect(full.NeedTFA).toBeUndefined();
    const ok = await request(server.url, 'GET', '/nodes/pve/qemu', { headers: { Cookie: `PVEAuthCookie=${encodeURIComponent(full.ticket)}` } });
    expect(ok.status).toBe(200);
  });

  it('computes RFC 6238 codes (test vector)', () => {
    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890" = base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, T=59 s → 94287082 (8 digits)
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, 30, 8)).toBe('94287082');
  });

  it('refuses a privilege-separated token a write with 403 naming path and privilege', async () => {
    const h = tokenHeader(PRIVSEP_TOKEN);
    expect((await request(privsep.url, 'GET', '/nodes/pve/qemu', { headers: h })).status).toBe(200);
    const r = await request(privsep.url, 'POST', '/nodes/pve/qemu', { params: { vmid: 900, name: 'denied' }, headers: h });
    expect(r.status).toBe(403);
    // qemu-server create_vm: neither VM.Allocate on /vms/900 nor on a pool, raise_perm_exc() without details.
    expect(r.statusText).toBe('Permission check failed');
    const cfg = await request(privsep.url, 'PUT', '/nodes/pve/qemu/100/config', { params: { description: 'x' }, headers: h });
    expect(cfg.status).toBe(403);
    expect(cfg.statusText).toMatch(/^Permission check failed \(\/vms\/100, VM\.Config\./);
  });

  it('lets ACLs grant a privilege-separated token what it needs', async () => {
    const root = await request(privsep.url, 'POST', '/access/ticket', { params: { username: 'root@pam', password: DEMO_PASSWORD } });
    const t = root.body.data as Record<string, string>;
    const asRoot = { Cookie: `PVEAuthCookie=${encodeURIComponent(t.ticket)}`, CSRFPreventionToken: t.CSRFPreventionToken };
    const grant = await request(privsep.url, 'PUT', '/access/acl', { params: { path: '/vms/901', roles: 'PVEVMAdmin', tokens: 'root@pam!limited' }, headers: asRoot });
    expect(grant.status).toBe(200);
    const h = tokenHeader(PRIVSEP_TOKEN);
    expect((await request(privsep.url, 'POST', '/nodes/pve/qemu', { params: { vmid: 901 }, headers: h })).status).toBe(200);
    expect((await request(privsep.url, 'POST', '/nodes/pve/qemu', { params: { vmid: 902 }, headers: h })).status).toBe(403);
  });

  it('applies the user ACLs to tickets of users without full rights', async () => {
    const a = (await login('auditor@pve', DEMO_PASSWORD)).body.data as Record<string, string>;
    const h = { Cookie: `PVEAuthCookie=${encodeURIComponent(a.ticket)}`, CSRFPreventionToken: a.CSRFPreventionToken };
    expect((await request(server.url, 'GET', '/nodes/pve/qemu/100/config', { headers: h })).status).toBe(200);
    const w = await request(server.url, 'POST', '/nodes/pve/qemu/100/status/stop', { headers: h });
    expect(w.status).toBe(403);
    expect(w.statusText).toBe('Permission check failed (/vms/100, VM.PowerMgmt)');
  });

  it('creates API tokens that work at once (privsep by default)', async () => {
    const h = tokenHeader(ROOT_TOKEN);
    const made = await request(server.url, 'POST', '/access/users/alice@pve/token/ci', { params: { privsep: 0 }, headers: h });
    expect(made.status).toBe(200);
    const d = made.body.data as Record<string, string>;
    expect(d['full-tokenid']).toBe('alice@pve!ci');
    const use = await request(server.url, 'POST', '/pools', { params: { poolid: 'alicepool' }, headers: tokenHeader(`alice@pve!ci=${d.value}`) });
    expect(use.status).toBe(200);
  });

  it('filters lists to what the caller may audit', async () => {
    const h = tokenHeader(ROOT_TOKEN);
    const made = await request(server.url, 'POST', '/access/users/alice@pve/token/narrow', { params: { privsep: 1 }, headers: h });
    const narrow = tokenHeader(`alice@pve!narrow=${(made.body.data as Record<string, string>).value}`);
    const vms = async () => ((await request(server.url, 'GET', '/cluster/resources', { params: { type: 'vm' }, headers: narrow })).body.data as Array<{ vmid: number }>).map((v) => v.vmid);
    expect(await vms()).toEqual([]);
    await request(server.url, 'PUT', '/access/acl', { params: { path: '/vms/100', roles: 'PVEAuditor', tokens: 'alice@pve!narrow' }, headers: h });
    expect(await vms()).toEqual([100]);
    const list = (await request(server.url, 'GET', '/nodes/pve/qemu', { headers: narrow })).body.data as Array<{ vmid: number }>;
    expect(list.map((v) => v.vmid)).toEqual([100]);
  });
});

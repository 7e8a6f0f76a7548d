/**
 * Backup Server, Mail Gateway and Datacenter Manager as targets (issue 15 item 5), against `mock serve --schema`
 * in each product's mode: its /version, its token header and ticket cookie, its UPID layout, a task waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { serveMock } from '../helpers/mock-serve';

/** PBS and PDM UPIDs carry a task counter between pstart and starttime; PMG's are laid out as PVE's. */
const UPID_RUST = /^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:update::root@pam!ci:$/;
const UPID_PERL = /^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:update::root@pam:$/;

const PRODUCTS = [
  { schema: 'pbs-4', version: '4.0', tokens: true, upid: UPID_RUST, ownPath: '/admin/datastore' },
  { schema: 'pdm-1.1', version: '1.1', tokens: true, upid: UPID_RUST, ownPath: '/pve/remotes' },
  { schema: 'pmg-6.3', version: '6.3-1', tokens: false, upid: UPID_PERL, ownPath: '/quarantine' },
] as const;

for (const product of PRODUCTS) {
  describe(`${product.schema} mock`, () => {
    let mock: Awaited<ReturnType<typeof serveMock>>;
    beforeAll(async () => {
      mock = await serveMock(product.schema);
    });
    afterAll(async () => {
      await mock?.stop();
    });
    const auth = product.tokens ? 'token' : 'password';

    it('get /version, matched to its own schema', async () => {
      const env = mock.env(auth);
      const r = await runCli(['get', '/version', '-o', 'json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ version: product.version });
      const verify = await runCli(['profile', 'verify', '-o', 'json'], { env });
      expect(verify.code, verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ product: mock.service, schema: expect.stringMatching(new RegExp(`^${product.schema} \\(matched to ${mock.service} `)) });
      // A path only this product has resolves without --schema.
      const ls = await runCli(['ls', product.ownPath, '-o', 'json'], { env });
      expect(ls.code, ls.stderr).toBe(0);
    });

    it('password login (ticket in its own cookie) and a task waited for', async () => {
      const r = await runCli(['create', '/nodes/pve/apt/update'], { env: mock.env('password') });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/TASK OK/);
      const bad = await runCli(['get', '/version'], { env: mock.env('password', { PROXMOX_API_PASSWORD: 'wrong' }) });
      expect(bad.code).toBe(4);
    });

    it(`a task's UPID in ${product.schema}'s layout; task wait and task status read it`, async () => {
      const env = mock.env(product.tokens ? 'token' : 'password');
      const started = await runCli(['create', '/nodes/pve/apt/update', '--async', '-o', 'json'], { env });
      expect(started.code, started.stderr).toBe(0);
      const upid = JSON.parse(started.stdout) as string;
      expect(upid).toMatch(product.tokens ? product.upid : UPID_PERL);
      const waited = await runCli(['task', 'wait', upid], { env });
      expect(waited.code, waited.stderr).toBe(0);
      const status = await runCli(['task', 'status', upid, '-o', 'json'], { env });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    });

    if (product.tokens) {
      it('token auth in the product form (ID:SECRET); a wrong secret is refused (exit 4)', async () => {
        const r = await runCli(['get', '/nodes', '-o', 'json', '--trace'], { env: mock.env('token') });
        expect(r.code, r.stderr).toBe(0);
        const bad = await runCli(['get', '/nodes'], { env: mock.env('token', { PROXMOX_API_TOKEN_SECRET: 'nope' }) });
        expect(bad.code).toBe(4);
        // A PVE-form header is not this product's: refused too.
        const pve = await runCli(['get', '/nodes'], { env: mock.env('token', { PROXMOX_API_SERVICE: 'PVE' }) });
        expect(pve.code).toBe(4);
      });
    } else {
      it('refuses API tokens before sending anything (PMG has none)', async () => {
        const r = await runCli(['get', '/version'], { env: mock.env('token') });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/no API tokens/);
      });
    }
  });
}

/**
 * Through the real CLI against a server that counts requests: invalid parameters exit 2 with one line naming the
 * parameter and send nothing; a valid set goes out once, encoded as the API expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/https-server';

let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer({ open: true });
  env = isolatedEnv({
    PROXMOX_API_URL: server.url,
    PROXMOX_API_FINGERPRINT: server.cert.fingerprint,
    PROXMOX_API_TOKEN_ID: 'root@pam!test',
    PROXMOX_API_TOKEN_SECRET: 'secret',
    // Pinned: an unpinned run's first contact reads GET /version (DESIGN.md §2), and this file counts requests.
    PVECLI_SCHEMA: 'pve-9.2',
  });
});
afterAll(() => server.close());

const REFUSED: Array<[string[], RegExp]> = [
  [['create', '/nodes/pve/qemu', '--vmid', '99'], /^pvecli: --vmid: 99 is below the minimum 100$/m],
  [['create', '/nodes/pve/qemu', '--vmid', '100', '--memory', 'abc'], /--memory: value 'abc' is not an integer/],
  [['create', '/nodes/pve/qemu', '--vmid', '100', '--ostype', 'foo'], /--ostype: 'foo' is not one of other, .*l26/],
  [['create', '/nodes/pve/qemu', '--memory', '512'], /--vmid/],
  [['create', '/nodes/pve/qemu', '--vmid', '100', '--net0', 'virtio,bridg=vmbr0'], /--net0: unknown key 'bridg' \(did you mean 'bridge'\?\)/],
  [['create', '/nodes/pve/qemu', '--vmid', '100', '--memmory', '512'], /unknown parameter '--memmory'/],
  [['create', '/nodes/pve/qemu', '--vmid', '100', '--net99', 'virtio'], /--net99: net99 is out of range/],
  [['set', '/nodes/pve/qemu/100/config', '--onboot=maybe'], /--onboot: value 'maybe' is not a boolean/],
  [['set', '/nodes/pve/qemu/42/config', '--cores', '2'], /--vmid: 42 is below the minimum 100/],
  [['create', '/nodes/pve/lxc', '--vmid', '200', '--ostemplate', 'local:vztmpl/d.tar.zst', '--rootfs', 'local-lvm:8,quota=2'], /--rootfs: key 'quota'/],
  [['create', '/access/users', '--userid', 'nobody'], /--userid: 'nobody' is not a valid pve-userid/],
  [['get', '/nodes/pve/tasks', '--limit', '-1'], /--limit: -1 is below the minimum 0/],
];

describe('parameters through the CLI', () => {
  for (const [argv, message] of REFUSED) {
    it(`refuses: ${argv.join(' ')}`, async () => {
      const r = await runCli(argv, { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  it('sent nothing for any refused command', () => {
    expect(server.requests).toEqual([]);
  });

  it('sends a valid parameter set once, booleans as 1/0 and property strings as typed', async () => {
    const r = await runCli(
      ['create', '/nodes/pve/qemu', '--vmid', '100', '--memory', '2048', '--net0', 'virtio,bridge=vmbr0', '--onboot', '--no-acpi', '--async'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const creates = server.requests.filter((q) => q.method === 'POST' && q.path === '/nodes/pve/qemu');
    expect(creates).toHaveLength(1);
    expect(creates[0].form).toEqual({ vmid: '100', memory: '2048', net0: 'virtio,bridge=vmbr0', onboot: '1', acpi: '0' });
  });
});

/** The mock's upload as pve-http-server and pve-storage answer it: the file part, the storage checks, the imgcopy task. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from '../../src/http';
import { type MockServer, startMockServer } from '../../src/mock';
import { TEST_TOKEN_ID, TEST_TOKEN_SECRET } from '../helpers/mock';
import { request, tempDir, tokenHeader, waitTask } from '../e2e/mock-helpers';

let mock: MockServer;
let stateFile: string;
const auth = tokenHeader(`${TEST_TOKEN_ID}=${TEST_TOKEN_SECRET}`);

async function body(fields: Array<[string, string]>, filename: string, data: Buffer, field = 'filename'): Promise<{ raw: Buffer; type: string }> {
  const b = multipartBody(fields, { field, filename, size: data.length, open: () => Readable.from([data]) });
  const chunks: Buffer[] = [];
  for await (const c of b.stream()) chunks.push(c as Buffer);
  return { raw: Buffer.concat(chunks), type: b.contentType };
}

async function post(storage: string, fields: Array<[string, string]>, filename: string, data = Buffer.from('iso bytes'), opts: { field?: string; query?: string } = {}) {
  const { raw, type } = await body(fields, filename, data, opts.field);
  return request(mock.url, 'POST', `/nodes/pve/storage/${storage}/upload${opts.query ?? ''}`, { headers: auth, rawBody: raw, contentType: type });
}

beforeAll(async () => {
  const dir = tempDir();
  stateFile = join(dir, 'state.json');
  mock = await startMockServer({ port: 0, stateFile, certDir: dir, tokens: [`${TEST_TOKEN_ID}=${TEST_TOKEN_SECRET}`], taskDuration: 20 });
});
afterAll(async () => {
  await mock?.close();
});

describe('POST /nodes/{node}/storage/{storage}/upload on the mock', () => {
  it('stores the volume when the imgcopy task ends, with size and format (vztmpl: tzst)', async () => {
    const r = await post('local', [['content', 'vztmpl']], 'debian-13-standard.tar.zst', Buffer.alloc(5000, 1));
    expect(r.status).toBe(200);
    const upid = r.body.data as string;
    expect(upid).toMatch(/:imgcopy::/);
    expect((await waitTask(mock.url, upid, auth)).exitstatus).toBe('OK');
    const list = await request(mock.url, 'GET', '/nodes/pve/storage/local/content', { headers: auth, params: { content: 'vztmpl' } });
    expect(list.body.data).toContainEqual(expect.objectContaining({ volid: 'local:vztmpl/debian-13-standard.tar.zst', size: 5000, format: 'tzst' }));
    const listed = (list.body.data as Array<Record<string, unknown>>).find((v) => v.volid === 'local:vztmpl/debian-13-standard.tar.zst');
    expect(listed).not.toHaveProperty('checksum');
  });

  it('refuses as PVE does: a storage without the content type, a storage without a path, a wrong extension', async () => {
    const nfs = await post('nfs-backup', [['content', 'iso']], 'a.iso');
    expect([nfs.status, nfs.statusText]).toEqual([500, "storage 'nfs-backup' does not support 'iso' content"]);
    const lvm = await post('local-lvm', [['content', 'iso']], 'a.iso');
    expect([lvm.status, lvm.statusText]).toEqual([500, "can't upload to storage type 'lvmthin'"]);
    const ext = await post('local', [['content', 'iso']], 'a.exe');
    expect([ext.status, ext.body.errors]).toEqual([400, { filename: 'wrong file extension' }]);
  });

  it("takes the file only as the part named 'filename', and no tmpfilename from the client", async () => {
    const named = await post('local', [['content', 'iso']], 'a.iso', undefined, { field: 'file' });
    expect([named.status, named.statusText]).toEqual([500, "wrong field name 'file' for file upload, expected 'filename'"]);
    const tmp = await post('local', [['content', 'iso']], 'a.iso', undefined, { query: '?tmpfilename=/var/tmp/pveupload-00' });
    expect([tmp.status, tmp.statusText]).toEqual([500, "'tmpfilename' query parameter is not allowed for file uploads"]);
  });

  it('a body cut short registers nothing', async () => {
    const { raw, type } = await body([['content', 'iso']], 'cut.iso', Buffer.alloc(1000, 2));
    const r = await request(mock.url, 'POST', '/nodes/pve/storage/local/upload', { headers: auth, rawBody: raw.subarray(0, raw.length - 50), contentType: type });
    expect(r.status).toBe(400);
    const list = await request(mock.url, 'GET', '/nodes/pve/storage/local/content', { headers: auth, params: { content: 'iso' } });
    expect((list.body.data as Array<{ volid: string }>).some((v) => v.volid === 'local:iso/cut.iso')).toBe(false);
  });

  it('keeps the digest of a verified upload with the volume, in the state', async () => {
    const data = Buffer.from('checked iso');
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(data).digest('hex');
    const r = await post('local', [['content', 'iso'], ['checksum-algorithm', 'sha256'], ['checksum', sha]], 'kept.iso', data);
    expect((await waitTask(mock.url, r.body.data as string, auth)).exitstatus).toBe('OK');
    // The task's end is saved with the next write.
    await request(mock.url, 'POST', '/pools', { headers: auth, params: { poolid: 'after' } });
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { storages: { local: { volumes: Record<string, Array<{ volid: string; checksum?: string }>> } } };
    expect(state.storages.local.volumes.pve.find((v) => v.volid === 'local:iso/kept.iso')?.checksum).toBe(`sha256:${sha}`);
  });

  it('verifies the checksum in the task: a mismatch fails it with pve-storage message', async () => {
    const data = Buffer.from('some iso');
    const r = await post('local', [['content', 'iso'], ['checksum-algorithm', 'md5'], ['checksum', 'ffff']], 'm.iso', data);
    const status = await waitTask(mock.url, r.body.data as string, auth);
    const { createHash } = await import('node:crypto');
    expect(status.exitstatus).toBe(`checksum mismatch: got '${createHash('md5').update(data).digest('hex')}' != expect 'ffff'`);
  });
});

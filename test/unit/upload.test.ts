/** The upload's pieces: the multipart body (read back by src/server's parser), the progress text, the local-file checks. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UPLOADS, isDownload, uploadSpecOf } from '../../src/cli/file-ops';
import { fileDigest, localFile, withUploadDefaults } from '../../src/cli/upload';
import { progressMeter, progressText } from '../../src/cli/progress';
import { multipartBody } from '../../src/http';
import { multipartBoundary, multipartParts } from '../../src/server';
import type { Operation } from '../../src/schema/types';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const source = (data: Buffer) => () => Readable.from([data.subarray(0, 5), data.subarray(5)], { objectMode: false });

describe('multipartBody', () => {
  const data = Buffer.from('\r\n--not-the-boundary\r\nbinary \x00\xff bytes');
  const body = multipartBody(
    [
      ['content', 'iso'],
      ['checksum-algorithm', 'sha256'],
      ['checksum', 'abc'],
    ],
    { field: 'filename', filename: 'a "b".iso', size: data.length, open: source(data) },
  );

  it('announces the exact length, and src/server reads back the fields in order and the file whole', async () => {
    const bytes = await collect(body.stream());
    expect(bytes.length).toBe(body.length);
    const parts: Array<{ name: string; value: string }> = [];
    for await (const part of multipartParts(Readable.from([bytes]), multipartBoundary(body.contentType)!)) {
      parts.push({ name: part.name, value: part.kind === 'field' ? part.value : `${part.filename}=${(await collect(part.stream)).toString('latin1')}` });
    }
    expect(parts).toEqual([
      { name: 'content', value: 'iso' },
      { name: 'checksum-algorithm', value: 'sha256' },
      { name: 'checksum', value: 'abc' },
      { name: 'filename', value: `a _b_.iso=${data.toString('latin1')}` },
    ]);
  });

  it("writes the headers as pve-http-server's parser matches them", async () => {
    const text = (await collect(body.stream())).toString('latin1');
    expect(text).toMatch(/^--(\S+)\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n--\1\r\n/);
    expect(text).toContain('Content-Disposition: form-data; name="filename"; filename="a _b_.iso"\r\nContent-Type: application/octet-stream\r\n\r\n');
    expect(text.endsWith('--\r\n')).toBe(true);
  });

  it('previews the file by name and size only', () => {
    expect(body.preview()).toContain(`<a _b_.iso: ${data.length} bytes>`);
    expect(body.preview()).not.toContain('binary');
  });

  it('fails rather than send a length it announced wrongly (the file changed meanwhile)', async () => {
    const shrunk = multipartBody([], { field: 'filename', filename: 'x', size: data.length + 1, open: source(data) });
    await expect(collect(shrunk.stream())).rejects.toThrow(/changed while it was sent/);
    const grown = multipartBody([], { field: 'filename', filename: 'x', size: 3, open: source(data) });
    await expect(collect(grown.stream())).rejects.toThrow(/changed while it was sent \(5 bytes instead of 3\)/);
  });
});

describe('upload parameters and the local file', () => {
  it('the upload table names the file parameter of PVE upload', () => {
    expect(uploadSpecOf({ method: 'POST', path: '/nodes/{node}/storage/{storage}/upload' } as Operation)).toBe(UPLOADS['POST /nodes/{node}/storage/{storage}/upload']);
    expect(uploadSpecOf({ method: 'POST', path: '/nodes/{node}/qemu' } as Operation)).toBeUndefined();
  });

  it('a task log is a file only when its download parameter asks for one', () => {
    const log = { method: 'GET', path: '/nodes/{node}/tasks/{upid}/log' } as Operation;
    expect([isDownload(log, {}), isDownload(log, { download: true }), isDownload(log, { download: false })]).toEqual([false, true, false]);
    expect(isDownload({ method: 'GET', path: '/quarantine/download' } as Operation, {})).toBe(true);
  });

  it('a --checksum without its algorithm is SHA-256; a given algorithm stays', () => {
    const a: Record<string, unknown> = { checksum: 'x' };
    withUploadDefaults(a);
    expect(a['checksum-algorithm']).toBe('sha256');
    const b: Record<string, unknown> = { checksum: 'x', 'checksum-algorithm': 'md5' };
    withUploadDefaults(b);
    expect(b['checksum-algorithm']).toBe('md5');
    const c: Record<string, unknown> = {};
    withUploadDefaults(c);
    expect(c).toEqual({});
  });

  it('a missing file or a directory is a usage error (exit 2); a file gives its size and digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvecli-upload-'));
    expect(() => localFile(join(dir, 'none'))).toThrow(expect.objectContaining({ exitCode: 2, message: `no such file: ${join(dir, 'none')}` }));
    expect(() => localFile(dir)).toThrow(expect.objectContaining({ exitCode: 2, message: `${dir} is a directory` }));
    const path = join(dir, 'f');
    writeFileSync(path, Buffer.alloc(200_000, 7));
    const file = localFile(path);
    expect(file.size).toBe(200_000);
    const { createHash } = await import('node:crypto');
    expect(await fileDigest(file, 'sha256')).toBe(createHash('sha256').update(Buffer.alloc(200_000, 7)).digest('hex'));
  });
});

describe('progress', () => {
  it('bytes, percent, rate and ETA', () => {
    expect(progressText(512 * 2 ** 20, 2 ** 30, 2000)).toBe('512.00 MiB / 1.00 GiB  50%  256.00 MiB/s  ETA 2s');
    expect(progressText(2 ** 30, 2 ** 30, 4000)).toBe('1.00 GiB / 1.00 GiB  100%  256.00 MiB/s');
    expect(progressText(0, 0, 0)).toBe('0 B / 0 B  100%  0 B/s');
  });

  it('the meter passes the bytes through, draws a final line, and clears its line on demand', async () => {
    const drawn: string[] = [];
    const meter = progressMeter(6, 'up x', (t) => drawn.push(t));
    const out = await collect(Readable.from([Buffer.from('abc'), Buffer.from('def')]).pipe(meter.stream));
    expect(out.toString()).toBe('abcdef');
    expect(drawn.at(-1)).toMatch(/^\r\x1b\[2Kup x {2}6 B \/ 6 B {2}100% .*\n$/);
    const other = progressMeter(6, 'x', (t) => drawn.push(t));
    other.clear();
    expect(drawn.at(-1)).toMatch(/\n$/);
  });
});

// src/server/multipart.ts: the streaming multipart/form-data parser.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestError } from '../../src/server/errors';
import { type Part, multipartBoundary, multipartParts } from '../../src/server/multipart';

const BOUNDARY = '----pvecliBoundary7MA4YWxkTrZu0gW';

function body(parts: Array<{ name: string; value?: string; filename?: string; data?: Buffer }>, boundary = BOUNDARY): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : '';
    out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), p.data ?? Buffer.from(p.value ?? ''), Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

/** Feed `data` in pieces cut at `cuts` (offsets). */
function pieces(data: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

async function collect(source: Readable, boundary = BOUNDARY): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const part of multipartParts(source, boundary)) {
    if (part.kind === 'field') out.push({ name: part.name, value: part.value });
    else {
      const chunks: Buffer[] = [];
      for await (const c of part.stream) chunks.push(c as Buffer);
      out.push({ name: part.name, filename: part.filename, type: part.contentType, data: Buffer.concat(chunks).toString('latin1') });
    }
  }
  return out;
}

describe('multipart/form-data, streamed', () => {
  it('finds the boundary of a multipart content type, and nothing for other types', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/x-www-form-urlencoded')).toBeUndefined();
    expect(() => multipartBoundary('multipart/form-data')).toThrow(/no boundary/);
  });

  it('yields fields whole and files as streams, in order', async () => {
    const data = body([
      { name: 'content', value: 'iso' },
      { name: 'filename', filename: 'debian.iso', data: Buffer.from('\r\n--not-a-boundary\r\nbinary\0data\r') },
      { name: 'checksum', value: 'ünïcode' },
    ]);
    expect(await collect(pieces(data, 1 << 20))).toEqual([
      { name: 'content', value: 'iso' },
      { name: 'filename', filename: 'debian.iso', type: 'application/octet-stream', data: '\r\n--not-a-boundary\r\nbinary\0data\r' },
      { name: 'checksum', value: 'ünïcode' },
    ]);
  });

  it('finds a boundary split across chunks, at every cut', async () => {
    const data = body([
      { name: 'a', value: 'x'.repeat(100) },
      { name: 'f', filename: 'f.bin', data: Buffer.from('y'.repeat(100)) },
    ]);
    const whole = await collect(pieces(data, data.length));
    // One cut anywhere: the boundary lines, the header block and the content are each split somewhere.
    for (let cut = 1; cut < data.length; cut++) {
      const source = Readable.from([data.subarray(0, cut), data.subarray(cut)], { objectMode: false });
      expect(await collect(source), `cut at ${cut}`).toEqual(whole);
    }
    expect(await collect(pieces(data, 1))).toEqual(whole);
    expect(await collect(pieces(data, 7))).toEqual(whole);
  });

  it('streams a multi-MB file part without holding it whole, and keeps its bytes exact', async () => {
    const size = 24 * 1024 * 1024;
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="filename"; filename="big.iso"\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    const chunk = 64 * 1024;
    let produced = 0;
    const expected = createHash('sha256');
    const source = new Readable({
      read() {
        if (produced === 0) this.push(head);
        if (produced >= size) {
          this.push(tail);
          this.push(null);
          return;
        }
        const piece = Buffer.alloc(chunk, produced / chunk);
        piece.write(`@${produced}\r\n--`, 0); // near-misses of the delimiter inside the data
        expected.update(piece);
        produced += chunk;
        this.push(piece);
      },
    });
    let received = 0;
    let maxAhead = 0;
    const got = createHash('sha256');
    const parts: Part[] = [];
    for await (const part of multipartParts(source, BOUNDARY)) {
      parts.push(part);
      if (part.kind !== 'file') continue;
      for await (const c of part.stream) {
        received += (c as Buffer).length;
        got.update(c as Buffer);
        maxAhead = Math.max(maxAhead, produced - received);
        // A slow reader: the parser must wait for it, not read the whole body ahead.
        if (received % (1024 * 1024) < chunk) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(parts).toHaveLength(1);
    expect(received).toBe(size);
    expect(got.digest('hex')).toBe(expected.digest('hex'));
    expect(maxAhead).toBeLessThan(1024 * 1024);
  }, 30_000);

  it('drains a file part the reader skips', async () => {
    const data = body([
      { name: 'f', filename: 'skip.bin', data: Buffer.alloc(300_000, 1) },
      { name: 'after', value: 'yes' },
    ]);
    const names: string[] = [];
    for await (const part of multipartParts(pieces(data, 16_384), BOUNDARY)) names.push(part.name);
    expect(names).toEqual(['f', 'after']);
  });

  it('refuses malformed bodies with 400 and oversized fields with 413', async () => {
    const fails = async (source: Readable): Promise<RequestError> => {
      try {
        await collect(source);
      } catch (e) {
        expect(e).toBeInstanceOf(RequestError);
        return e as RequestError;
      }
      throw new Error('accepted');
    };
    const cut = body([{ name: 'a', value: 'x' }]);
    expect((await fails(pieces(cut.subarray(0, cut.length - 10), 5))).message).toMatch(/ends before its closing boundary/);
    const nameless = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    expect((await fails(pieces(nameless, 100))).status).toBe(400);
    const badHeader = Buffer.from(`--${BOUNDARY}\r\nnot a header\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    expect((await fails(pieces(badHeader, 100))).status).toBe(400);
    const big = body([{ name: 'a', value: 'x'.repeat(1024 * 1024 + 1) }]);
    expect((await fails(pieces(big, 65_536))).status).toBe(413);
  });
});

// The mock as a handler on src/server: bodies it accepts, and a validator that throws surfacing as a 500.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request, tempDir, tokenHeader } from '../e2e/mock-helpers';

const broken = vi.hoisted(() => ({ on: false }));
vi.mock('../../src/mock/pve-params', async (load) => {
  const real = await load<typeof import('../../src/mock/pve-params')>();
  return {
    ...real,
    pveParamErrors: (...args: Parameters<typeof real.pveParamErrors>) => {
      if (broken.on) throw new Error('validator exploded');
      return real.pveParamErrors(...args);
    },
  };
});

import { type MockServer, startMockServer } from '../../src/mock';

const TOKEN = 'root@pam!t=secret';
const h = tokenHeader(TOKEN);

describe('mock handler', () => {
  let server: MockServer;
  const errors: unknown[] = [];
  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], onError: (e) => errors.push(e) });
  });
  afterAll(async () => server?.close());

  it('takes parameters from multipart fields, and refuses a file part where no upload is handled', async () => {
    const fields = `--B\r\nContent-Disposition: form-data; name="poolid"\r\n\r\nmultipool\r\n--B--\r\n`;
    const ok = await request(server.url, 'POST', '/pools', { rawBody: fields, contentType: 'multipart/form-data; boundary=B', headers: h });
    expect(ok.status).toBe(200);
    expect((await request(server.url, 'GET', '/pools/multipool', { headers: h })).status).toBe(200);
    const file = `--B\r\nContent-Disposition: form-data; name="poolid"; filename="x.iso"\r\n\r\ndata\r\n--B--\r\n`;
    const refused = await request(server.url, 'POST', '/pools', { rawBody: file, contentType: 'multipart/form-data; boundary=B', headers: h });
    expect(refused.status).toBe(415);
    expect(refused.body.data).toBeNull();
  });

  it('answers a validator that throws with 500 and its message, and reports it: no fallback hides it', async () => {
    broken.on = true;
    try {
      const r = await request(server.url, 'GET', '/version', { headers: h });
      expect([r.status, r.statusText]).toEqual([500, 'validator exploded']);
      expect(r.body).toEqual({ data: null, message: 'validator exploded\n' });
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe('validator exploded');
    } finally {
      broken.on = false;
    }
    expect((await request(server.url, 'GET', '/version', { headers: h })).status).toBe(200);
  });

  it('sends the headers pve-api-daemon sends', async () => {
    const r = await request(server.url, 'GET', '/version', { headers: h });
    expect(r.headers.server).toBe('pve-api-daemon/3.0');
    expect(r.headers['cache-control']).toBe('max-age=0');
    expect(r.headers.pragma).toBe('no-cache');
  });
});

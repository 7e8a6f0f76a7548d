// Unit tests of the mock's building blocks: certificate, TOTP, seeded generator, request bodies.
import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBody, parseForm } from '../../src/mock/body';
import { generateSelfSigned, loadOrCreateCert } from '../../src/mock/cert';
import { generateValue } from '../../src/mock/generate';
import { rngFor } from '../../src/mock/random';
import { base32Decode, totp, verifyTotp } from '../../src/mock/totp';
import { tempDir } from '../e2e/mock-helpers';

describe('mock certificate', () => {
  it('is a valid self-signed X.509 for localhost and the loopback addresses', () => {
    const { cert, key } = generateSelfSigned();
    const x = new X509Certificate(cert);
    expect(x.subject).toMatch(/CN=pvecli mock/);
    expect(x.subjectAltName).toMatch(/DNS:localhost/);
    expect(x.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(key).toMatch(/BEGIN PRIVATE KEY/);
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });

  it('is made once, kept 0600 and reused', () => {
    const dir = tempDir();
    const a = loadOrCreateCert(dir);
    const b = loadOrCreateCert(dir);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statSync(join(dir, 'mock-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'mock-cert.pem')).mode & 0o777).toBe(0o600);
  });
});

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 vectors', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(base32Decode(secret).toString()).toBe('12345678901234567890');
    expect(totp(secret, 59_000, 30, 8)).toBe('94287082');
    expect(totp(secret, 1_111_111_109_000, 30, 8)).toBe('07081804');
    expect(totp(secret, 20_000_000_000_000, 30, 8)).toBe('65353130');
  });
  it('accepts the neighbouring step', () => {
    const now = 1_700_000_000_000;
    expect(verifyTotp('JBSWY3DPEHPK3PXP', totp('JBSWY3DPEHPK3PXP', now - 30_000), now)).toBe(true);
    expect(verifyTotp('JBSWY3DPEHPK3PXP', totp('JBSWY3DPEHPK3PXP', now - 120_000), now)).toBe(false);
  });
});

describe('generator', () => {
  const schema = {
    type: 'object',
    properties: {
      n: { type: 'integer', minimum: 5, maximum: 7 },
      e: { type: 'string', enum: ['a', 'b'] },
      node: { type: 'string', format: 'pve-node' },
      short: { type: 'string', maxLength: 3 },
      list: { type: 'array', items: { type: 'number', minimum: 1, maximum: 2 } },
      opt: { type: 'string', optional: 1 },
    },
  };
  it('respects enum, limits and formats', () => {
    for (let seed = 0; seed < 50; seed++) {
      const v = generateValue(schema, { rng: rngFor(seed, '/x') }) as Record<string, unknown>;
      expect(v.n).toBeGreaterThanOrEqual(5);
      expect(v.n).toBeLessThanOrEqual(7);
      expect(['a', 'b']).toContain(v.e);
      expect(v.node).toBe('pve');
      expect(String(v.short).length).toBeLessThanOrEqual(3);
      for (const x of v.list as number[]) expect(x >= 1 && x <= 2).toBe(true);
    }
  });
  it('is deterministic for a seed and a path', () => {
    const a = generateValue(schema, { rng: rngFor(1, 'GET /a') });
    expect(generateValue(schema, { rng: rngFor(1, 'GET /a') })).toEqual(a);
  });
});

describe('request bodies', () => {
  it('parses forms strictly, repeated keys as arrays', () => {
    expect(parseForm('a=1&b=x+y&a=2&c=%2F')).toEqual({ a: ['1', '2'], b: 'x y', c: '/' });
    expect(() => parseForm('a=%zz')).toThrow(/malformed/);
  });
  it('parses JSON objects only', () => {
    expect(parseBody('application/json; charset=utf-8', '{"vmid":100,"start":true}', {})).toEqual({ vmid: 100, start: 1 });
    expect(() => parseBody('application/json', '[1]', {})).toThrow();
    expect(() => parseBody('application/json', '{', {})).toThrow(/malformed/);
  });
});

/**
 * A self-signed TLS certificate, made with node:crypto alone (no openssl binary needed):
 * an ECDSA P-256 key and a minimal X.509 v3 certificate written in DER by hand.
 * Kept in `<dir>/<name>-cert.pem` and `<dir>/<name>-key.pem` (mode 0600) and reused on later starts.
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file';

export interface CertPair {
  cert: string;
  key: string;
  /** SHA-256, colon-separated upper-case hex, as Proxmox shows it. */
  fingerprint: string;
}

// --- DER encoding: just the handful of types a certificate needs ---
function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff]);
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const body = b.subarray(i);
  return der(0x02, body[0] & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}

const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const SUBJECT_ALT_NAME = '2.5.29.17';
const BASIC_CONSTRAINTS = '2.5.29.19';

/** Build a self-signed certificate for localhost / 127.0.0.1 / ::1, valid ten years. */
export function generateSelfSigned(commonName: string): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = seq(set(seq(oid(ORGANIZATION), utf8('pvecli'))), set(seq(oid(COMMON_NAME), utf8(commonName))));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const now = Date.now();
  const altNames = seq(
    der(0x82, Buffer.from('localhost')),
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const extensions = explicit(
    3,
    seq(
      seq(oid(BASIC_CONSTRAINTS), bool(true), octets(seq())),
      seq(oid(SUBJECT_ALT_NAME), octets(altNames)),
    ),
  );
  const algorithm = seq(oid(ECDSA_SHA256));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name,
    seq(time(new Date(now - 86_400_000)), time(new Date(now + 3650 * 86_400_000))),
    name,
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certDer = seq(tbs, algorithm, bits(signature));
  const b64 = certDer.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.toUpperCase();
}

/** The certificate kept in `dir` as `<name>-cert.pem`, generated on first use. A broken pair is replaced. */
export function loadOrCreateCert(dir: string, name: string, commonName: string): CertPair {
  const certFile = join(dir, `${name}-cert.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  if (existsSync(certFile) && existsSync(keyFile)) {
    try {
      const cert = readFileSync(certFile, 'utf8');
      const key = readFileSync(keyFile, 'utf8');
      const x509 = new X509Certificate(cert);
      if (x509.checkPrivateKey(createPrivateKey(key)) && new Date(x509.validTo).getTime() > Date.now()) {
        return { cert, key, fingerprint: x509.fingerprint256.toUpperCase() };
      }
    } catch {
      // unreadable or mismatched: make a new pair below
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateSelfSigned(commonName);
  writeFileAtomic(keyFile, pair.key);
  writeFileAtomic(certFile, pair.cert);
  return { ...pair, fingerprint: fingerprintOf(pair.cert) };
}

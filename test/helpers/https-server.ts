/**
 * A tiny configurable HTTPS server for tests of the HTTP core: a certificate made with openssl at test time,
 * Proxmox-like token/ticket/CSRF/TFA auth, scripted replies (503s, hangs, errors), and a record of every request.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, Node's AA:BB:… form. */
  fingerprint: string;
  /** PEM file of the CA that signed `cert` (only for makeCaSignedCert). */
  ca?: string;
}

const SAN = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

export function tempDir(prefix = 'pvecli-http-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A self-signed certificate for localhost and 127.0.0.1. */
export function makeSelfSignedCert(dir = tempDir()): CertFiles {
  const key = join(dir, 'self.key');
  const cert = join(dir, 'self.crt');
  openssl(['req', '-x509', ...EC_KEY, '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', SAN]);
  return { key, cert, fingerprint: fingerprintOf(cert) };
}

/** A test CA and a server certificate it signed. */
export function makeCaSignedCert(dir = tempDir()): CertFiles {
  const caKey = join(dir, 'ca.key');
  const ca = join(dir, 'ca.crt');
  openssl([
    'req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=pvecli test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  writeFileSync(ext, `${SAN}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
  openssl(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { key, cert, fingerprint: fingerprintOf(cert), ca };
}

export interface ScriptedReply {
  status?: number;
  /** HTTP reason phrase (Proxmox's error message lives here). */
  reason?: string;
  data?: unknown;
  errors?: Record<string, string>;
  headers?: Record<string, string>;
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Drop the connection without answering (the client sees a reset / socket hang up). */
  reset?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** API path without /api2/json. */
  path: string;
  query: Record<string, string | string[]>;
  form: Record<string, string | string[]>;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LoginEvent {
  kind: 'password' | 'renew' | 'tfa-pending' | 'tfa' | 'failed';
  username: string;
}

export interface TestServerOptions {
  cert?: CertFiles;
  /** username → password */
  users?: Record<string, string>;
  /** token id (user@realm!name) → secret */
  tokens?: Record<string, string>;
  /** username → TOTP code; such users get a `!tfa!` partial ticket first */
  totp?: Record<string, string>;
  /** username → recovery key */
  recovery?: Record<string, string>;
  /** Serve without checking credentials. */
  open?: boolean;
}

function toRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

export class TestServer {
  readonly requests: RecordedRequest[] = [];
  readonly logins: LoginEvent[] = [];
  /** Every ticket and CSRF token handed out, for the secret scan. */
  readonly issuedSecrets: string[] = [];
  connections = 0;
  readonly cert: CertFiles;
  private readonly server: Server;
  private readonly tickets = new Map<string, { username: string; csrf: string }>();
  private readonly partialTickets = new Map<string, string>();
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private readonly hanging = new Set<ServerResponse>();
  port = 0;

  constructor(private readonly opts: TestServerOptions = {}) {
    this.cert = opts.cert ?? makeSelfSignedCert();
    this.server = createServer({ key: readFileSync(this.cert.key), cert: readFileSync(this.cert.cert), keepAliveTimeout: 5000 }, (req, res) =>
      this.handle(req, res),
    );
    this.server.on('secureConnection', () => this.connections++);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Queue replies for `METHOD /path` (API path); when the queue is empty the default handler answers. */
  script(method: string, path: string, replies: ScriptedReply[]): void {
    this.scripts.set(`${method} ${path}`, [...(this.scripts.get(`${method} ${path}`) ?? []), ...replies]);
  }

  /** Forget all tickets, as if they expired on the server. */
  revokeTickets(): void {
    this.tickets.clear();
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  reset(): void {
    this.requests.length = 0;
    this.logins.length = 0;
    this.scripts.clear();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private issueTicket(username: string): { ticket: string; csrf: string } {
    const ticket = `PVE:${username}:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}::${randomBytes(30).toString('base64')}`;
    const csrf = `${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}:${randomBytes(20).toString('base64').replace(/=+$/, '')}`;
    this.tickets.set(ticket, { username, csrf });
    this.issuedSecrets.push(ticket, csrf);
    return { ticket, csrf };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'https://test');
      const path = url.pathname.replace(/^\/api2\/json/, '');
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const record: RecordedRequest = {
        method: req.method ?? '',
        path,
        query: toRecord(url.searchParams),
        form: isForm ? toRecord(new URLSearchParams(body)) : {},
        headers: req.headers,
        body,
      };
      this.requests.push(record);
      if (record.method === 'POST' && path === '/access/ticket') return this.login(record, res);
      if (!this.opts.open) {
        const denied = this.checkAuth(record);
        if (denied) return this.reply(res, { status: 401, reason: denied });
      }
      const queue = this.scripts.get(`${record.method} ${path}`);
      const scripted = queue?.shift();
      if (scripted) return this.reply(res, scripted);
      this.reply(res, { data: { method: record.method, path, query: record.query, form: record.form } });
    });
  }

  /** undefined when allowed, else the 401 reason. Writes with a cookie need the ticket's CSRF token. */
  private checkAuth(r: RecordedRequest): string | undefined {
    const authz = r.headers.authorization;
    if (authz) {
      const m = /^PVEAPIToken=([^=]+)=(.+)$/.exec(authz);
      if (m && this.opts.tokens?.[m[1]!] === m[2]) return undefined;
      return 'invalid token value!';
    }
    const cookie = /(?:^|;\s*)PVEAuthCookie=([^;]+)/.exec(r.headers.cookie ?? '')?.[1];
    const session = cookie ? this.tickets.get(cookie) : undefined;
    if (!session) return cookie ? 'invalid ticket' : 'No ticket';
    if (r.method !== 'GET' && r.headers.csrfpreventiontoken !== session.csrf) return 'Permission denied - invalid csrf token';
    return undefined;
  }

  private login(r: RecordedRequest, res: ServerResponse): void {
    const username = String(r.form.username ?? '');
    const password = String(r.form.password ?? '');
    const challenge = r.form['tfa-challenge'];
    const fail = () => {
      this.logins.push({ kind: 'failed', username });
      this.reply(res, { status: 401, reason: 'authentication failure' });
    };
    const grant = (kind: LoginEvent['kind']) => {
      this.logins.push({ kind, username });
      const { ticket, csrf } = this.issueTicket(username);
      this.reply(res, { data: { username, ticket, CSRFPreventionToken: csrf } });
    };
    if (challenge) {
      if (this.partialTickets.get(String(challenge)) !== username) return fail();
      const ok =
        (this.opts.totp?.[username] && password === `totp:${this.opts.totp[username]}`) ||
        (this.opts.recovery?.[username] && password === `recovery:${this.opts.recovery[username]}`);
      if (!ok) return fail();
      this.partialTickets.delete(String(challenge));
      return grant('tfa');
    }
    const renewing = this.tickets.get(password);
    if (renewing && renewing.username === username) return grant('renew');
    if (this.opts.users?.[username] !== password) return fail();
    if (this.opts.totp?.[username] || this.opts.recovery?.[username]) {
      const offer = { totp: !!this.opts.totp?.[username], recovery: this.opts.recovery?.[username] ? 'available' : undefined };
      const partial = `PVE:!tfa!${encodeURIComponent(JSON.stringify(offer))}:${randomBytes(16).toString('hex')}`;
      this.partialTickets.set(partial, username);
      this.issuedSecrets.push(partial);
      this.logins.push({ kind: 'tfa-pending', username });
      return this.reply(res, { data: { username, ticket: partial, NeedTFA: 1 } });
    }
    grant('password');
  }

  private reply(res: ServerResponse, r: ScriptedReply): void {
    if (r.hang) {
      this.hanging.add(res);
      return;
    }
    if (r.reset) {
      res.socket?.destroy();
      return;
    }
    const status = r.status ?? 200;
    const payload = JSON.stringify(status < 400 ? { data: r.data ?? null } : { data: null, ...(r.errors ? { errors: r.errors } : {}) });
    res.writeHead(status, r.reason ?? (status < 400 ? 'OK' : 'Error'), {
      'content-type': 'application/json;charset=UTF-8',
      'content-length': Buffer.byteLength(payload),
      ...r.headers,
    });
    res.end(payload);
  }
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  return new TestServer(opts).start();
}

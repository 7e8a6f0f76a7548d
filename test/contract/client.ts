/**
 * A plain Proxmox client for the contract corpus: form bodies, ticket + CSRF or an API token, exactly as proxmoxer
 * sends them. It is deliberately not pvecli's HTTP core, so the corpus checks the mock on the wire.
 */
import { request as httpsRequest } from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, startMockServer, type MockServer } from '../../src/mock';

export type Params = Record<string, string | number | boolean | Array<string | number>>;
export type Auth = { token: string } | { ticket: string; csrf: string } | null;

export interface Reply {
  status: number;
  /** Reason phrase: Proxmox puts its error message here too. */
  reason: string;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  body: { data?: unknown; errors?: Record<string, string>; message?: string } | undefined;
  text: string;
}

/** Encode as proxmoxer does: repeated keys for lists, booleans as 1/0. */
export function formEncode(params: Params): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value])
      form.append(key, typeof item === 'boolean' ? (item ? '1' : '0') : String(item));
  }
  return form.toString();
}

export interface ContractMock {
  server: MockServer;
  url: string;
  /** root@pam's password ticket */
  root: Auth;
  call(method: string, path: string, params?: Params, auth?: Auth): Promise<Reply>;
  login(username: string, password: string, otp?: string): Promise<Auth>;
  close(): Promise<void>;
}

export function call(base: string, method: string, path: string, params: Params = {}, auth: Auth = null): Promise<Reply> {
  const bodyless = method === 'GET' || method === 'DELETE';
  const encoded = formEncode(params);
  const url = new URL(`/api2/json${path}${bodyless && encoded ? `?${encoded}` : ''}`, base);
  const headers: Record<string, string> = {};
  if (auth && 'token' in auth) headers.Authorization = `PVEAPIToken=${auth.token}`;
  if (auth && 'ticket' in auth) {
    headers.Cookie = `PVEAuthCookie=${encodeURIComponent(auth.ticket)}`;
    if (method !== 'GET') headers.CSRFPreventionToken = auth.csrf;
  }
  if (!bodyless) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(encoded));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        let body: Reply['body'];
        try {
          body = JSON.parse(text) as Reply['body'];
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', body, text });
      });
    });
    req.on('error', reject);
    if (!bodyless) req.write(encoded);
    req.end();
  });
}

export async function loginAt(base: string, username: string, password: string, otp?: string): Promise<Auth> {
  const reply = await call(base, 'POST', '/access/ticket', { username, password, ...(otp ? { otp } : {}) });
  const data = reply.body?.data as { ticket?: string; CSRFPreventionToken?: string } | undefined;
  if (reply.status !== 200 || !data?.ticket) throw new Error(`login of ${username} failed: ${reply.status} ${reply.reason}`);
  return { ticket: data.ticket, csrf: data.CSRFPreventionToken ?? '' };
}

/** A fresh mock (own state file) over HTTPS, logged in as root@pam. */
export async function startContractMock(opts: { taskDuration?: number; tokens?: string[]; privsep?: boolean } = {}): Promise<ContractMock> {
  const dir = mkdtempSync(join(tmpdir(), 'pvecli-contract-'));
  const server = await startMockServer({
    port: 0,
    stateFile: join(dir, 'state.json'),
    certDir: dir,
    taskDuration: opts.taskDuration ?? 50,
    tokens: opts.tokens,
    privsep: opts.privsep,
  });
  const root = await loginAt(server.url, 'root@pam', DEMO_PASSWORD);
  return {
    server,
    url: server.url,
    root,
    call: (method, path, params = {}, auth = root) => call(server.url, method, path, params, auth),
    login: (username, password, otp) => loginAt(server.url, username, password, otp),
    close: () => server.close(0),
  };
}

/** Where a behaviour was read: repository, file, function. Every corpus entry names one. */
export interface Source {
  repo:
    | 'pve-common'
    | 'qemu-server'
    | 'pve-container'
    | 'pve-manager'
    | 'pve-access-control'
    | 'pve-storage'
    | 'pve-cluster'
    | 'pve-ha-manager'
    | 'pve-firewall'
    | 'pve-http-server'
    | 'pve-network';
  file: string;
  fn: string;
}

// Shared by the mock e2e tests: an in-process mock over HTTPS and a tiny keep-alive client.
import https from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');

export interface Reply {
  status: number;
  statusText: string;
  body: { data?: unknown; errors?: Record<string, string>; total?: number; message?: string } & Record<string, unknown>;
  raw: string;
  headers: Record<string, string | string[] | undefined>;
}

export const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 8 });

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pvecli-mock-'));
}

export function encodeForm(params: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
  }
  return parts.join('&');
}

/** One request; GET/DELETE parameters in the query, POST/PUT as a form body (or `rawBody` as given). */
export function request(
  base: string,
  method: string,
  path: string,
  opts: { params?: Record<string, unknown>; headers?: Record<string, string>; rawBody?: string | Buffer; contentType?: string } = {},
): Promise<Reply> {
  const params = opts.params ?? {};
  const query = method === 'GET' || method === 'DELETE' ? encodeForm(params) : '';
  const body = opts.rawBody ?? (method === 'POST' || method === 'PUT' ? encodeForm(params) : undefined);
  const url = new URL(`${base}/api2/json${path}${query ? `?${query}` : ''}`);
  const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
  if (body !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/x-www-form-urlencoded';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: Reply['body'] = {};
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = { unparsable: raw };
        }
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: parsed, raw, headers: res.headers });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function tokenHeader(spec: string): Record<string, string> {
  return { Authorization: `PVEAPIToken=${spec}` };
}

/** Poll a task's status until it has stopped; its status then. */
export async function waitTask(base: string, upid: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const node = upid.split(':')[1];
  for (let i = 0; i < 500; i++) {
    const r = await request(base, 'GET', `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`, { headers });
    const d = r.body.data as Record<string, unknown>;
    if (d.status === 'stopped') return d;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`task ${upid} did not stop`);
}

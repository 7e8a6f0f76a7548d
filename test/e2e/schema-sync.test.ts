/**
 * `schema sync --from FILE` compiles a server's api-viewer data into the user's cache, validators included, where it
 * wins over the bundled schema of the same id; bad data is refused (exit 2) and leaves nothing behind.
 * `schema diff` lists operations and parameters added, removed and changed.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isolatedEnv, ROOT, runCli } from '../helpers/cli';
import { makeSelfSignedCert } from '../helpers/https-server';

const SHARED = resolve(ROOT, '../shared/proxmox-schema');

interface RawNode {
  path: string;
  info?: Record<string, { parameters?: { properties?: Record<string, unknown> } }>;
  children?: RawNode[];
}

function walk(nodes: RawNode[], visit: (n: RawNode) => void): void {
  for (const n of nodes) {
    visit(n);
    if (n.children) walk(n.children, visit);
  }
}

/** `METHOD /path` of every operation in a source file, computed here independently of the compiler. */
function operations(file: string): Set<string> {
  const ops = new Set<string>();
  walk(JSON.parse(readFileSync(file, 'utf8')) as RawNode[], (n) => Object.keys(n.info ?? {}).forEach((m) => ops.add(`${m} ${n.path}`)));
  return ops;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'pvecli-sync-'));
}

describe('schema sync --from FILE', () => {
  it('compiles a bundled source file into the cache, with validators; the synced schema is then used', async () => {
    const env = isolatedEnv();
    const dir = scratch();
    const file = join(dir, 'pve-8.4.json');
    copyFileSync(join(SHARED, 'pve-8.4.json'), file);
    const r = await runCli(['schema', 'sync', '--from', file, '-o', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const synced = join(env.XDG_CACHE_HOME!, 'pvecli', 'schema', 'pve-8.4');
    expect(result).toMatchObject({ id: 'pve-8.4', operations: operations(file).size, directory: synced, replaced: false, overrides_bundled: true });
    expect(existsSync(join(synced, 'index.json'))).toBe(true);
    expect(readdirSync(join(synced, 'v', 's')).length).toBeGreaterThan(100);
    expect(readdirSync(join(env.XDG_CACHE_HOME!, 'pvecli', 'schema'))).toEqual(['pve-8.4']);

    const list = await runCli(['schema', 'list', '-o', 'json'], { env });
    const rows = JSON.parse(list.stdout) as Array<{ id: string; origin: string }>;
    expect(rows.find((s) => s.id === 'pve-8.4')?.origin).toBe('synced');
    expect(rows.find((s) => s.id === 'pve-9.2')?.origin).toBe('bundled');

    // The synced schema's generated validators check values: a name that is no DNS name is refused.
    const bad = await runCli(['create', '/nodes/pve/qemu', '--vmid', '100', '--name', 'no spaces', '--dry-run', '--schema', 'pve-8.4'], { env });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/--name/);

    // Data of our own: the same file without POST /nodes/{node}/qemu's `tags`. The synced copy, not the bundled
    // one, decides from now on.
    const tree = JSON.parse(readFileSync(file, 'utf8')) as RawNode[];
    walk(tree, (n) => {
      if (n.path === '/nodes/{node}/qemu') delete n.info!.POST!.parameters!.properties!.tags;
    });
    writeFileSync(file, JSON.stringify(tree));
    const before = await runCli(['create', '/nodes/pve/qemu', '--vmid', '100', '--tags', 'web', '--dry-run', '--schema', 'pve-8.4'], { env });
    expect(before.code, before.stderr).toBe(0);
    const again = await runCli(['schema', 'sync', '--from', file, '--id', 'pve-8.4', '-o', 'json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).replaced).toBe(true);
    const after = await runCli(['create', '/nodes/pve/qemu', '--vmid', '100', '--tags', 'web', '--dry-run', '--schema', 'pve-8.4'], { env });
    expect(after.code, after.stderr).toBe(2);
    expect(after.stderr).toMatch(/unknown parameter '--tags'/);
  });

  it('refuses data that is not api-viewer data (exit 2, naming what was found), leaving the synced schema as it was', async () => {
    const env = isolatedEnv();
    const dir = scratch();
    const good = join(dir, 'pmg-6.3.json');
    copyFileSync(join(SHARED, 'pmg-6.3.json'), good);
    expect((await runCli(['schema', 'sync', '--from', good], { env })).code).toBe(0);
    const index = join(env.XDG_CACHE_HOME!, 'pvecli', 'schema', 'pmg-6.3', 'index.json');
    const indexBefore = readFileSync(index, 'utf8');
    const text = readFileSync(good, 'utf8');
    const cases: Array<[string, string, RegExp]> = [
      ['truncated.json', text.slice(0, Math.floor(text.length / 2)), /ends early or is not valid JSON \(truncated\?\)/],
      ['page.js', '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body></body></html>', /found an HTML page \('502 Bad Gateway'\)/],
      ['object.json', '{"data": {"version": "6.3"}}', /found a JSON object \(keys: data\)/],
      ['other.json', '[{"name": "x"}]', /found an element without a 'path' \(keys: name\)/],
      ['empty.json', '', /it is empty/],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const r = await runCli(['schema', 'sync', '--from', file, '--id', 'pmg-6.3'], { env });
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(index, 'utf8')).toBe(indexBefore);
    expect(readdirSync(join(env.XDG_CACHE_HOME!, 'pvecli', 'schema'))).toEqual(['pmg-6.3']);
  });

  it('a file whose name says no version needs --id', async () => {
    const dir = scratch();
    const file = join(dir, 'apidata.js');
    copyFileSync(join(SHARED, 'pmg-6.3.json'), file);
    const r = await runCli(['schema', 'sync', '--from', file], { env: isolatedEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--id/);
    const bad = await runCli(['schema', 'sync', '--from', file, '--id', '../x'], { env: isolatedEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not PRODUCT-VERSION/);
  });
});

describe('schema sync from the server', () => {
  /** A PVE 9.1 node as far as sync sees it: /version, and its api-viewer data as the docs package serves it. */
  async function node91(pageBody: string) {
    const cert = makeSelfSignedCert();
    const seen: Array<{ url: string; auth?: string }> = [];
    const server = createServer({ key: readFileSync(cert.key), cert: readFileSync(cert.cert) }, (req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      if (req.url === '/api2/json/version') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { version: '9.1.4', release: '9.1', repoid: 'abcdef12' } }));
      if (req.url === '/pve-docs/api-viewer/apidata.js') return res.writeHead(200, { 'content-type': 'application/javascript' }).end(pageBody);
      res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = isolatedEnv({ PROXMOX_API_URL: url, PROXMOX_API_FINGERPRINT: cert.fingerprint, PROXMOX_API_TOKEN_ID: 'root@pam!sync', PROXMOX_API_TOKEN_SECRET: 'sync-secret-77' });
    return { url, env, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it("fetches the target's apidata.js over the pinned TLS connection, files it under the server's version, and matches it", async () => {
    const data = `// api viewer data\nconst apiSchema = ${readFileSync(join(SHARED, 'pve-9.1.json'), 'utf8')};\nlet method2cmd = {};\n`;
    const node = await node91(data);
    try {
      const r = await runCli(['schema', 'sync', '-o', 'json'], { env: node.env });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: 'pve-9.1', source: `${node.url}/pve-docs/api-viewer/apidata.js`, operations: operations(join(SHARED, 'pve-9.1.json')).size });
      expect(node.seen.map((s) => s.url)).toEqual(['/api2/json/version', '/pve-docs/api-viewer/apidata.js']);
      expect(node.seen[1]!.auth).toBe('PVEAPIToken=root@pam!sync=sync-secret-77');
      expect(r.stdout + r.stderr).not.toContain('sync-secret-77');
      const list = await runCli(['schema', 'list', '-o', 'json'], { env: node.env });
      const rows = JSON.parse(list.stdout) as Array<{ id: string; origin: string }>;
      expect(rows.find((s) => s.id === 'pve-9.1')?.origin).toBe('synced');
      const verify = await runCli(['profile', 'verify', '-o', 'json'], { env: node.env });
      expect(JSON.parse(verify.stdout).schema).toBe('pve-9.1 (matched to PVE 9.1.4)');
      // A wrong pin: nothing is fetched (exit 3).
      const pinned = await runCli(['schema', 'sync'], { env: { ...node.env, PROXMOX_API_FINGERPRINT: 'AA:'.repeat(31) + 'AA' } });
      expect(pinned.code, pinned.stderr).toBe(3);
    } finally {
      await node.close();
    }
  });

  it('an HTML page where the data should be: exit 2, nothing written', async () => {
    const node = await node91('<!doctype html><html><head><title>Proxmox Virtual Environment</title></head></html>');
    try {
      const r = await runCli(['schema', 'sync'], { env: node.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/apidata\.js is not Proxmox api-viewer data: found an HTML page \('Proxmox Virtual Environment'\)/);
      expect(existsSync(join(node.env.XDG_CACHE_HOME!, 'pvecli', 'schema', 'pve-9.1'))).toBe(false);
      const missing = await runCli(['schema', 'sync', '--from', `${node.url}/nothing/here.js`], { env: node.env });
      expect(missing.code).toBe(6);
    } finally {
      await node.close();
    }
  });
});

describe('schema diff', () => {
  it('lists the operations added from pve-8.4 to pve-9.2: as many as the difference of the operation sets', async () => {
    const old = operations(join(SHARED, 'pve-8.4.json'));
    const now = operations(join(SHARED, 'pve-9.2.json'));
    const added = [...now].filter((op) => !old.has(op));
    const removed = [...old].filter((op) => !now.has(op));
    expect(added.length).toBeGreaterThan(0);

    const r = await runCli(['schema', 'diff', 'pve-8.4', 'pve-9.2', '-o', 'json'], { env: isolatedEnv() });
    expect(r.code, r.stderr).toBe(0);
    const changes = JSON.parse(r.stdout) as Array<{ change: string; operation: string; parameter?: string; detail?: string }>;
    const ops = (change: string) => changes.filter((c) => c.change === change && !c.parameter).map((c) => c.operation).sort();
    expect(ops('added')).toEqual(added.sort());
    expect(ops('removed')).toEqual(removed.sort());
    expect(changes).toContainEqual({ change: 'added', operation: 'POST /nodes/{node}/qemu', parameter: 'allow-ksm' });

    const text = await runCli(['schema', 'diff', 'pve-8.4', 'pve-9.2'], { env: isolatedEnv() });
    expect(text.stderr).toContain(`operations +${added.length} -${removed.length};`);
    const yaml = await runCli(['schema', 'diff', 'pve-8.4', 'pve-9.2', '-o', 'yaml'], { env: isolatedEnv() });
    expect(parseYaml(yaml.stdout)).toEqual(changes);
  });

  it('--path keeps the operations at or below a path', async () => {
    const r = await runCli(['schema', 'diff', 'pve-8.4', 'pve-9.2', '--path', '/nodes/{node}/qemu', '-o', 'json'], { env: isolatedEnv() });
    expect(r.code, r.stderr).toBe(0);
    const changes = JSON.parse(r.stdout) as Array<{ operation: string }>;
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) expect(c.operation).toMatch(/^[A-Z]+ \/nodes\/\{node\}\/qemu(\/|$)/);
  });

  it('an unknown schema is a usage error', async () => {
    const r = await runCli(['schema', 'diff', 'pve-8.4', 'pve-7.0'], { env: isolatedEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown schema 'pve-7.0'/);
  });
});

/**
 * DESIGN.md §2, issue 15: with no --schema the run validates against the schema matched to the server. Against
 * `mock serve --schema pve-8.4`, a parameter that exists only in 9.2 is refused by the matched 8.4 schema; the match
 * is cached per target (0600) so later runs, offline ones included, use it without a request.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { serveMock } from '../helpers/mock-serve';

let mock: Awaited<ReturnType<typeof serveMock>>;

beforeAll(async () => {
  mock = await serveMock('pve-8.4');
});
afterAll(async () => {
  await mock?.stop();
});

/** `allow-ksm` is a parameter of POST /nodes/{node}/qemu in PVE 9.2 that 8.4 does not have. */
const ONLY_IN_92 = ['create', '/nodes/pve/qemu', '--vmid', '170', '--allow-ksm', '0'];
// The summary line of each exchange (--trace also shows headers and bodies, as '> ' and '< ' lines).
const traced = (stderr: string) => stderr.split('\n').filter((l) => /^trace: [A-Z]+ \S+ → /.test(l));

describe('schema matched to the server', () => {
  it('mock serve --schema pve-8.4 reports 8.4 at /version', async () => {
    const r = await runCli(['get', '/version', '-o', 'json'], { env: mock.env('token') });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ release: '8.4', version: expect.stringMatching(/^8\.4\./) });
  });

  it('refuses a 9.2-only parameter with the matched 8.4 schema (exit 2); the match is cached and then costs no request', async () => {
    const env = mock.env('token');
    const first = await runCli([...ONLY_IN_92, '--trace'], { env });
    expect(first.code, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/unknown parameter '--allow-ksm'/);
    // The first contact read the version, and nothing else was sent.
    expect(traced(first.stderr)).toEqual([expect.stringMatching(/^trace: GET \S+\/api2\/json\/version → 200/)]);

    const file = join(env.XDG_CACHE_HOME!, 'pvecli', 'schema-match.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cached = Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, { url: string; schema: string; product: string; fingerprint: string }>);
    expect(cached).toEqual([expect.objectContaining({ url: mock.url, schema: 'pve-8.4', product: 'pve', fingerprint: mock.fingerprint })]);

    const again = await runCli([...ONLY_IN_92, '--trace'], { env });
    expect(again.code, again.stderr).toBe(2);
    expect(traced(again.stderr)).toEqual([]);

    // Offline: a dry run uses the cached match too; an explicit --schema wins over it.
    const dry = await runCli([...ONLY_IN_92, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(2);
    const explicit = await runCli([...ONLY_IN_92, '--dry-run', '--schema', 'pve-9.2'], { env });
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(explicit.stdout).toMatch(/allow-ksm=0/);
    const byEnv = await runCli([...ONLY_IN_92, '--dry-run'], { env: { ...env, PVECLI_SCHEMA: 'pve-9.2' } });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    // usage, another offline command, describes the matched schema's operation.
    const usage = await runCli(['usage', '/nodes/{node}/qemu', '--command', 'create', '-v'], { env });
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toMatch(/--memory/);
    expect(usage.stdout).not.toMatch(/allow-ksm/);
    const usage92 = await runCli(['usage', '/nodes/{node}/qemu', '--command', 'create', '-v', '--schema', 'pve-9.2'], { env });
    expect(usage92.stdout).toMatch(/allow-ksm/);
  });

  it('a valid 8.4 request goes through with the matched schema', async () => {
    const r = await runCli(['create', '/nodes/pve/qemu', '--vmid', '171', '--memory', '512', '-q'], { env: mock.env('token') });
    expect(r.code, r.stderr).toBe(0);
  });

  it('without a cache, an offline dry run uses the product default (pve-9.2), sending nothing', async () => {
    const env = mock.env('token');
    const r = await runCli([...ONLY_IN_92, '--dry-run'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(env.XDG_CACHE_HOME!, 'pvecli', 'schema-match.json'))).toBe(false);
  });

  it('profile verify and schema list show the match', async () => {
    const env = mock.env('token');
    const verify = await runCli(['profile', 'verify', '-o', 'json'], { env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout).schema).toBe('pve-8.4 (matched to PVE 8.4.0)');
    const list = await runCli(['schema', 'list', '-o', 'json'], { env });
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ id: string; origin: string; matched: string[] }>;
    expect(rows.find((s) => s.id === 'pve-8.4')).toMatchObject({ origin: 'bundled', matched: [`${mock.url} (PVE 8.4.0)`] });
    expect(rows.find((s) => s.id === 'pve-9.2')?.matched).toEqual([]);
    const pinned = await runCli(['profile', 'verify', '-o', 'json', '--schema', 'pve-9.1'], { env });
    expect(JSON.parse(pinned.stdout).schema).toBe('pve-9.1 (set by --schema)');
  });

  it('a warm match costs no request; after a day it is made again', async () => {
    const env = mock.env('token');
    const r1 = await runCli(['get', '/version', '--trace', '-q'], { env });
    expect(traced(r1.stderr)).toHaveLength(2);
    const r2 = await runCli(['get', '/version', '--trace', '-q'], { env });
    expect(traced(r2.stderr)).toHaveLength(1);
    const file = join(env.XDG_CACHE_HOME!, 'pvecli', 'schema-match.json');
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { matchedAt: number }>;
    // A day later the match has expired: the next run asks again.
    for (const e of Object.values(entries)) e.matchedAt -= 24 * 3600 * 1000 + 1;
    writeFileSync(file, JSON.stringify(entries));
    const r3 = await runCli(['get', '/version', '--trace', '-q'], { env });
    expect(traced(r3.stderr)).toHaveLength(2);
  });
});

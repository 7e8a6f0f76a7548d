// The gateway's small decisions, in process: settings precedence, trusted addresses, keys, who uses which credentials, CORS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessOf, upstreamHeaders } from '../../src/gateway/access';
import { validateReply } from '../../src/params';
import { loadSchema } from '../../src/schema/load';
import { createCors } from '../../src/gateway/cors';
import { keyMatcher, loadGatewayKeys } from '../../src/gateway/keys';
import { createLogger } from '../../src/gateway/log';
import { openApiDocument } from '../../src/gateway/openapi';
import { gatewayOptions } from '../../src/gateway/options';
import { isLoopbackHost, trustedMatcher } from '../../src/gateway/trusted';

describe('gateway options', () => {
  it('takes flag over environment over default', () => {
    expect(gatewayOptions({}, {})).toMatchObject({ mode: 'mock', host: '127.0.0.1', port: 8000, logLevel: 'info', trustedClients: ['127.0.0.0/8', '::1/128'], corsOrigins: [] });
    const env = { PROXMOX_API_MODE: 'REAL', HOST: '0.0.0.0', PORT: '9000', LOG_LEVEL: 'WARNING', CORS_ORIGINS: 'https://a.example, https://b.example' };
    expect(gatewayOptions({}, env)).toMatchObject({ mode: 'real', host: '0.0.0.0', port: 9000, logLevel: 'warn', corsOrigins: ['https://a.example', 'https://b.example'] });
    expect(gatewayOptions({ mode: 'mock', host: '::1', port: 0, trustedClients: '10.0.0.0/8' }, env)).toMatchObject({ mode: 'mock', host: '::1', port: 0, trustedClients: ['10.0.0.0/8'] });
  });

  it('refuses what cannot work, naming the setting', () => {
    expect(() => gatewayOptions({}, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => gatewayOptions({}, { PORT: '70000' })).toThrow(/PORT/);
    expect(() => gatewayOptions({ tlsKey: 'k.pem' }, {})).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => gatewayOptions({ mode: 'real', state: 's.json' }, {})).toThrow(/--state is for --mode mock/);
    expect(() => gatewayOptions({ profile: 'prod' }, {})).toThrow(/--profile is for --mode real/);
    expect(() => gatewayOptions({}, { PVECLI_RESPONSE_VALIDATION: 'loud' })).toThrow(/PVECLI_RESPONSE_VALIDATION: expected warn, strict or off/);
  });
});

describe('trusted clients', () => {
  it('matches IPv4 and IPv6 ranges, IPv4-mapped clients included', () => {
    const trusted = trustedMatcher(['127.0.0.0/8', '::1/128', '10.1.0.0/16', '192.0.2.7']);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.1.200.3', '192.0.2.7']) expect(trusted(a), a).toBe(true);
    for (const a of ['10.2.0.1', '192.0.2.8', '2001:db8::1', '', 'localhost']) expect(trusted(a), a).toBe(false);
  });

  it('refuses malformed ranges', () => {
    for (const bad of ['10.0.0.0/33', '::1/129', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x']) expect(() => trustedMatcher([bad]), bad).toThrow(/--trusted-clients/);
  });

  it('knows loopback listen addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.0.2.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe('gateway keys', () => {
  it('reads env: and file: references, one key per line or comma-separated', async () => {
    expect(await loadGatewayKeys('env:K', { K: 'a, b\nc' })).toEqual(['a', 'b', 'c']);
    const file = join(mkdtempSync(join(tmpdir(), 'pvecli-keys-')), 'keys');
    writeFileSync(file, '# gateway keys\nfirst\nsecond\n');
    expect(await loadGatewayKeys(`file:${file}`, {})).toEqual(['first', 'second']);
    expect(await loadGatewayKeys(undefined, {})).toEqual([]);
  });

  it('refuses literal keys and empty key lists', async () => {
    await expect(loadGatewayKeys('s3cret', {})).rejects.toThrow(/must be a reference/);
    await expect(loadGatewayKeys('env:K', { K: ' \n# none\n' })).rejects.toThrow(/holds no key/);
  });

  it('matches exactly', () => {
    const matches = keyMatcher(['alpha', 'beta']);
    expect(matches('beta')).toBe(true);
    expect(matches('bet')).toBe(false);
    expect(matches('betaa')).toBe(false);
    expect(keyMatcher([])('')).toBe(false);
  });
});

describe('who uses which credentials', () => {
  const policy = { trusted: trustedMatcher(['127.0.0.0/8']), keyMatches: keyMatcher(['k']) };

  it("passes a client's own token, ticket or login; gives the gateway's to trusted or keyed clients; else refuses", () => {
    expect(accessOf(policy, { authorization: 'PVEAPIToken=u@pve!t=s' }, '192.0.2.1', '/version')).toBe('own');
    expect(accessOf(policy, { cookie: 'lang=en; PVEAuthCookie=PVE:u@pve:X' }, '192.0.2.1', '/version')).toBe('own');
    expect(accessOf(policy, {}, '192.0.2.1', '/access/ticket')).toBe('own');
    expect(accessOf(policy, {}, '127.0.0.1', '/version')).toBe('gateway');
    expect(accessOf(policy, { authorization: 'Bearer k' }, '192.0.2.1', '/version')).toBe('gateway');
    expect(accessOf(policy, { authorization: 'Bearer wrong' }, '127.0.0.1', '/version')).toBe('refused');
    expect(accessOf(policy, { cookie: 'lang=en' }, '192.0.2.1', '/version')).toBe('refused');
  });

  it('forwards the client credentials only with own access, never a Bearer key', () => {
    const headers = { authorization: 'Bearer k', cookie: 'PVEAuthCookie=x', csrfpreventiontoken: 'c', 'content-type': 'application/json', host: 'gw' };
    expect(upstreamHeaders(headers, 'gateway')).toEqual({ 'content-type': 'application/json' });
    expect(upstreamHeaders({ ...headers, authorization: 'PVEAPIToken=a' }, 'own')).toEqual({
      authorization: 'PVEAPIToken=a',
      cookie: 'PVEAuthCookie=x',
      csrfpreventiontoken: 'c',
      'content-type': 'application/json',
    });
  });
});

describe('CORS', () => {
  it('answers preflights of allowed origins and decorates their replies', () => {
    const cors = createCors(['https://ui.example']);
    const pre = cors.preflight('OPTIONS', { origin: 'https://ui.example', 'access-control-request-method': 'POST' });
    expect(pre).toMatchObject({ status: 200, headers: { 'Access-Control-Allow-Origin': 'https://ui.example' } });
    expect(cors.preflight('OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' })).toMatchObject({ status: 400 });
    expect(cors.preflight('GET', { origin: 'https://ui.example' })).toBeUndefined();
    expect(cors.decorate({ origin: 'https://ui.example' }, { status: 200 }).headers).toMatchObject({ Vary: 'Origin' });
    expect(cors.decorate({ origin: 'https://evil.example' }, { status: 200 }).headers).toBeUndefined();
    expect(createCors(['*']).decorate({ origin: 'https://any.example' }, { status: 200 }).headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://any.example' });
  });
});

describe('replies against returns (the generated validators)', () => {
  const schema = loadSchema('pve-9.2');
  const op = (path: string) => schema.operation(path, 'GET')!;

  it("takes replies as Proxmox writes them: booleans as 0/1, keys the schema does not list", () => {
    const nodes = [{ node: 'pve', status: 'online', uptime: 5, extra: 'kept' }];
    expect(validateReply(schema, op('/nodes'), nodes)).toEqual([]);
    const storage = [{ storage: 'local', type: 'dir', content: 'iso', shared: 0, enabled: 1, active: true }];
    expect(validateReply(schema, op('/nodes/{node}/storage'), storage)).toEqual([]);
  });

  it('reports every violation with where it is', () => {
    expect(validateReply(schema, op('/nodes'), [{ node: 'pve', status: 'online' }, { node: 5 }])).toEqual([
      { path: '/1', message: "must have required property 'status'" },
      { path: '/1/node', message: 'must be string' },
    ]);
  });
});

describe('the log', () => {
  it('writes one JSON object per line at or above LOG_LEVEL; the start line always', () => {
    const writes: string[] = [];
    const log = createLogger('warn', (text) => writes.push(text));
    log.info('request', { status: 200 });
    log.warn('reply breaks the schema', { at: '/x' });
    log.always('info', 'gateway listening', { url: 'http://127.0.0.1:8000' });
    // Held until the end of the turn (or a flush), then written together.
    expect(writes).toEqual([]);
    log.flush();
    expect(writes).toHaveLength(1);
    const lines = writes[0].split(/(?<=\n)/);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'reply breaks the schema', at: '/x' }),
      expect.objectContaining({ level: 'info', msg: 'gateway listening', url: 'http://127.0.0.1:8000' }),
    ]);
  });
});

// openapi-spec-validator (Python) where it is installed; it takes ~10 s of CPU for PBS's document and a minute for
// all six, so the suite checks PBS (its UPID pattern has named groups, which the document must not keep).
const hasOpenApiValidator = spawnSync('python3', ['-c', 'import openapi_spec_validator'], { stdio: 'ignore' }).status === 0;

describe('/openapi.json', () => {
  it.skipIf(!hasOpenApiValidator)('is valid OpenAPI 3.1 under openapi-spec-validator (pbs-4)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pvecli-oas-')), 'pbs-4.json');
    writeFileSync(file, JSON.stringify(openApiDocument(loadSchema('pbs-4'))));
    const r = spawnSync('python3', ['-c', 'import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))', file], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
  }, 60_000);

  it('is valid OpenAPI 3.1 under @seriousme/openapi-schema-validator, for all six bundled schemas', async () => {
    const { Validator } = (await import('@seriousme/openapi-schema-validator')) as {
      Validator: new () => { validate(doc: unknown): Promise<{ valid: boolean; errors?: unknown }>; version: string };
    };
    for (const id of ['pve-9.2', 'pve-9.1', 'pve-8.4', 'pbs-4', 'pmg-6.3', 'pdm-1.1']) {
      const validator = new Validator();
      const result = await validator.validate(openApiDocument(loadSchema(id)));
      expect([id, result.valid, validator.version], JSON.stringify(result.errors)?.slice(0, 2000)).toEqual([id, true, '3.1']);
    }
  }, 60_000);

  it('lists every operation once, path parameters required, families member by member', () => {
    const doc = openApiDocument(loadSchema('pve-9.2')) as { paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ in: string; required: boolean; name: string }> }>> };
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.values(item).map((op) => ({ path, ...op })));
    expect(ops).toHaveLength(675);
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(675);
    for (const op of ops) {
      const inPath = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
      expect(inPath, op.path).toEqual([...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort());
    }
    const config = doc.paths['/nodes/{node}/qemu/{vmid}/config'] as unknown as { put: { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } };
    const props = Object.keys(config.put.requestBody.content['application/json'].schema.properties);
    expect(props).toEqual(expect.arrayContaining(['net0', 'net31', 'scsi30']));
    expect(props.some((p) => p.includes('['))).toBe(false);
    expect(JSON.stringify(doc)).not.toMatch(/\(\?<[A-Za-z]/);
  });
});

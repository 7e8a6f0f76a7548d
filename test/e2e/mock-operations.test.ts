// Acceptance (issue 5): every PVE 9.2 operation answers with data valid against its return schema.
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formats } from '../../src/params/formats';
import { propToJson } from '../../src/params/json-schema';
import { sampleArg } from '../../src/params/samples';
import { loadSchema } from '../../src/schema/load';
import type { HttpMethod, Operation, PropSchema } from '../../src/schema/types';
import { type MockServer, startMockServer } from '../../src/mock';
import { type Reply, request, tempDir, tokenHeader } from './mock-helpers';

const TOKEN = 'root@pam!acceptance=s3cret';
const auth = tokenHeader(TOKEN);

/** Proxmox return schema → JSON schema: objects open, optional marks, booleans as 0/1 too, formats checked. */
function returnSchema(p: PropSchema | undefined): Record<string, unknown> {
  if (!p) return {};
  if (Array.isArray(p.oneOf)) return { anyOf: (p.oneOf as PropSchema[]).map(returnSchema) };
  switch (p.type) {
    case 'object': {
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const [k, v] of Object.entries(p.properties ?? {})) {
        if (k.endsWith('[n]')) continue;
        properties[k] = returnSchema(v);
        if (!v.optional) required.push(k);
      }
      return { type: 'object', properties, ...(required.length ? { required } : {}) };
    }
    case 'array':
      return { type: 'array', items: returnSchema(p.items) };
    case 'boolean':
      return { anyOf: [{ type: 'boolean' }, { enum: [0, 1] }] };
    case 'null':
      return { type: 'null' };
    case 'any':
    case undefined:
      return {};
    default:
      return propToJson(p);
  }
}

interface Case {
  method: HttpMethod;
  template: string;
  op: Operation;
}

/** Path parameter values from the mock's real state; others come from the schema's samples. */
function pathValue(c: Case, name: string, prop: PropSchema | undefined): string {
  const t = c.template;
  const lxc = t.includes('/lxc/');
  const special: Record<string, string> = {
    node: 'pve',
    vmid: lxc ? '110' : '100',
    snapname: 'snap1',
    storage: 'local',
    volume: 'local:iso/debian-13.1.0-amd64-netinst.iso',
    poolid: 'prod',
    userid: 'alice@pve',
    tokenid: 'acc2',
    realm: 'corp',
    upid: state.upid,
  };
  if (t.endsWith('/{vmid}/template')) Object.assign(special, { node: 'pve2', vmid: lxc ? '111' : '101' });
  if (c.method === 'DELETE' && /\/(qemu|lxc)\/\{vmid\}$/.test(t)) special.vmid = lxc ? '160' : '150';
  if (t.endsWith('/{vmid}/migrate')) special.vmid = lxc ? '161' : '151';
  if (c.method === 'DELETE' && t === '/pools/{poolid}') special.poolid = 'empty';
  if (c.method === 'POST' && t === '/access/users/{userid}/token/{tokenid}') special.tokenid = 'fresh';
  if (c.method === 'DELETE' && t === '/storage/{storage}') special.storage = 'newstore';
  if (special[name] !== undefined) return special[name];
  const sample = sampleArg(prop ?? { type: 'string' });
  return Array.isArray(sample) ? sample[0] : (sample ?? 'demo');
}

/** Values for required parameters that must name something new (or valid credentials), and options an operation needs. */
function overrides(c: Case): Record<string, string> {
  const key = `${c.method} ${c.template}`;
  const table: Record<string, Record<string, string>> = {
    'POST /nodes/{node}/qemu': { vmid: '300' },
    'POST /nodes/{node}/lxc': { vmid: '310' },
    'POST /nodes/{node}/qemu/{vmid}/clone': { newid: '301' },
    'POST /nodes/{node}/qemu/{vmid}/migrate': { target: 'pve2' },
    'PUT /nodes/{node}/qemu/{vmid}/resize': { disk: 'scsi0', size: '+1G' },
    'PUT /nodes/{node}/lxc/{vmid}/resize': { disk: 'rootfs', size: '+1G' },
    'POST /nodes/{node}/lxc/{vmid}/migrate': { target: 'pve2' },
    'POST /nodes/{node}/lxc/{vmid}/clone': { newid: '311' },
    'POST /access/users': { userid: 'newuser@pve' },
    'POST /access/groups': { groupid: 'newgroup' },
    'POST /storage': { storage: 'newstore' },
    'POST /pools': { poolid: 'pool1' },
    'PUT /pools': { poolid: 'prod' },
    'DELETE /pools': { poolid: 'pool1' },
    'POST /access/ticket': { username: 'root@pam', password: 'pvecli-demo' },
    'POST /nodes/{node}/storage/{storage}/content': { filename: 'vm-100-disk-9', vmid: '100' },
    // The file name must fit the content type, as pve-storage checks it.
    'POST /nodes/{node}/storage/{storage}/download-url': { content: 'iso', filename: 'fetched.iso', url: 'https://example.org/x.iso' },
    'POST /access/domains': { realm: 'newrealm', type: 'openid', 'issuer-url': 'https://id.example.com', 'client-id': 'pve' },
    'PUT /access/domains/{realm}': { comment: 'changed' },
    'POST /access/domains/{realm}/sync': { scope: 'both' },
  };
  return table[key] ?? state.consoles[key] ?? {};
}

/** `vncwebsocket` answers only with a ticket and port from `termproxy` (got in beforeAll), as Proxmox's does. */
const state = { upid: '', consoles: {} as Record<string, Record<string, string>> };
const schema = loadSchema('pve-9.2');
const cases: Case[] = [];
for (const [template, methods] of schema.index.entries) {
  for (const method of methods ? (methods.split(',') as HttpMethod[]) : []) {
    const op = schema.operation(template, method)!;
    cases.push({ method, template, op });
  }
}
// Reads first, then changes; deletions last, deepest paths first (snapshots before their guest).
const ORDER: Record<HttpMethod, number> = { GET: 0, PUT: 1, POST: 2, DELETE: 3 };
cases.sort((a, b) => ORDER[a.method] - ORDER[b.method] || (a.method === 'DELETE' ? b.template.length - a.template.length : 0));

describe('mock: all 675 PVE 9.2 operations', () => {
  let server: MockServer;
  const call = (method: string, path: string, params: Record<string, unknown> = {}): Promise<Reply> =>
    request(server.url, method, path, { params, headers: auth });

  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], taskDuration: 5 });
    const must = async (r: Promise<Reply>) => {
      const reply = await r;
      if (reply.status !== 200) throw new Error(`setup failed: ${reply.status} ${reply.statusText}`);
      return reply;
    };
    state.upid = String((await must(call('POST', '/nodes/pve/qemu/100/snapshot', { snapname: 'snap1' }))).body.data);
    await must(call('POST', '/nodes/pve/lxc/110/snapshot', { snapname: 'snap1' }));
    await must(call('POST', '/nodes/pve/qemu', { vmid: 150, name: 'to-delete' }));
    await must(call('POST', '/nodes/pve/lxc', { vmid: 160, ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst' }));
    await must(call('POST', '/nodes/pve/qemu', { vmid: 151, name: 'to-migrate' }));
    await must(call('POST', '/nodes/pve/lxc', { vmid: 161, ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst' }));
    await must(call('POST', '/pools', { poolid: 'empty' }));
    await must(call('POST', '/access/users/alice@pve/token/acc2', {}));
    await must(call('POST', '/access/domains', { realm: 'corp', type: 'ad', server1: 'dc.example.com', domain: 'example.com' }));
    for (const [base, template] of [['/nodes/pve', '/nodes/{node}'], ['/nodes/pve/qemu/100', '/nodes/{node}/qemu/{vmid}'], ['/nodes/pve/lxc/110', '/nodes/{node}/lxc/{vmid}']]) {
      const grant = (await must(call('POST', `${base}/termproxy`))).body.data as { port: number; ticket: string };
      state.consoles[`GET ${template}/vncwebsocket`] = { port: String(grant.port), vncticket: grant.ticket };
    }
  });
  afterAll(async () => server?.close());

  it('has 675 operations to call', () => {
    expect(cases.length).toBe(675);
  });

  it('answers every operation with 200 and data valid against its return schema', async () => {
    const ajv = new Ajv({ strict: false, allErrors: false, unicodeRegExp: false, validateFormats: true, logger: false });
    const names = new Set<string>();
    const failures: string[] = [];
    for (const c of cases) {
      // A file upload takes a multipart body with the file: test/unit/upload-mock.test.ts calls it so.
      if (c.template === '/nodes/{node}/storage/{storage}/upload') continue;
      const params: Record<string, unknown> = {};
      const props = c.op.parameters.properties ?? {};
      const path = c.template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathValue(c, name, props[name])));
      const pathNames = new Set([...c.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
      const extra = overrides(c);
      for (const [name, prop] of Object.entries(props)) {
        if (pathNames.has(name) || prop.optional || name.endsWith('[n]')) continue;
        const v = sampleArg(prop);
        if (v !== undefined) params[name] = v;
      }
      Object.assign(params, extra);
      const reply = await call(c.method, path, params);
      const label = `${c.method} ${c.template} (${path})`;
      if (reply.status !== 200) {
        failures.push(`${label}: ${reply.status} ${reply.statusText} ${JSON.stringify(reply.body.errors ?? '')}`);
        continue;
      }
      const json = returnSchema(c.op.returns);
      JSON.stringify(json).replace(/"format":"([^"]+)"/g, (_, f: string) => (names.add(f), ''));
      for (const f of names) if (!ajv.formats[f]) ajv.addFormat(f, formats[f]);
      const validate = ajv.compile(json);
      if (!validate(reply.body.data)) {
        failures.push(`${label}: invalid reply ${ajv.errorsText(validate.errors)} in ${JSON.stringify(reply.body.data).slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('replies deterministically for a seed and a path', async () => {
    const a = await call('GET', '/cluster/sdn/zones');
    const b = await call('GET', '/cluster/sdn/zones');
    expect(a.body.data).toEqual(b.body.data);
    const other = await startMockServer({ port: 0, http: false, certDir: tempDir(), tokens: [TOKEN], seed: 7 });
    try {
      const c = await request(other.url, 'GET', '/cluster/sdn/zones', { headers: auth });
      const d = await request(other.url, 'GET', '/cluster/sdn/zones', { headers: auth });
      expect(c.body.data).toEqual(d.body.data);
      expect(c.body.data).not.toEqual(a.body.data);
    } finally {
      await other.close();
    }
  });
});

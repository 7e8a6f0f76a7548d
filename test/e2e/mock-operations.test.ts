// Acceptance (issue 5): every PVE 9.2 operation answers with data valid against its return schema.
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formats } from '../../src/params/formats';
import { propToJson } from '../../src/params/json-schema';
import { sampleArg } from '../../src/params/samples';
import { loadSchema } from '../../src/schema/load';
import type { HttpMethod, Operation, PropSchema } from '../../src/schema/types';
import { type MockServer, startMockServer } from '../../src/mock';
import { type Reply, request, tempDir, tokenHeader, waitTask } from './mock-helpers';

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
    rule: 'keep-on-pve',
    sid: 'vm:100',
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
    // The change is real: root's own password stays, for the login above.
    'PUT /access/password': { userid: 'alice@pve' },
    // pve-access-control update_acl needs someone to grant the role to.
    'PUT /access/acl': { users: 'alice@pve', roles: 'PVEAuditor' },
    'POST /nodes/{node}/storage/{storage}/content': { filename: 'vm-100-disk-9', vmid: '100' },
    // The file name must fit the content type, as pve-storage checks it.
    'POST /nodes/{node}/storage/{storage}/download-url': { content: 'iso', filename: 'fetched.iso', url: 'https://example.org/x.iso' },
    'POST /access/domains': { realm: 'newrealm', type: 'openid', 'issuer-url': 'https://id.example.com', 'client-id': 'pve' },
    'PUT /access/domains/{realm}': { comment: 'changed' },
    'POST /access/domains/{realm}/sync': { scope: 'both' },
    'POST /cluster/ha/rules': { rule: 'second', type: 'node-affinity', resources: 'vm:100', nodes: 'pve2' },
    'POST /nodes/{node}/vzdump': { vmid: '100' },
    'POST /cluster/ha/resources': { sid: 'ct:111' },
  };
  return table[key] ?? state.consoles[key] ?? {};
}

/**
 * Operations Proxmox VE 9.2 refuses whatever is sent: HA groups, once migrated to rules (as on every cluster set up
 * with 9.x), answer only this error (pve-ha-manager PVE/API2/HA/Groups.pm).
 */
const ALWAYS_REFUSED: Record<string, string> = {
  'GET /cluster/ha/groups': 'cannot index groups: ha groups have been migrated to rules',
  'GET /cluster/ha/groups/{group}': 'cannot read group: ha groups have been migrated to rules',
  'POST /cluster/ha/groups': 'cannot create group: ha groups have been migrated to rules',
  'PUT /cluster/ha/groups/{group}': 'cannot update group: ha groups have been migrated to rules',
  'DELETE /cluster/ha/groups/{group}': 'cannot delete group: ha groups have been migrated to rules',
};

/** The power state a guest must be in for a power action to be accepted (Proxmox checks it before the fork). */
const POWER_NEEDS: Record<string, 'running' | 'paused' | 'stopped'> = {
  reboot: 'running',
  reset: 'running',
  shutdown: 'running',
  suspend: 'running',
  stop: 'running',
  resume: 'paused',
  start: 'stopped',
};

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
  const call = (method: string, path: string, params: Record<string, unknown> = {}, headers = auth): Promise<Reply> =>
    request(server.url, method, path, { params, headers });
  // PVE lets only root@pam itself (not a token, not even root's) call an operation without permissions, and no
  // token one that does not allow tokens: those are called with root's ticket.
  let rootTicket: Record<string, string> = {};
  const authFor = (op: Operation) => (!op.permissions || op.allowtoken === 0 ? rootTicket : auth);

  beforeAll(async () => {
    server = await startMockServer({ port: 0, certDir: tempDir(), tokens: [TOKEN], taskDuration: 5 });
    const login = (await request(server.url, 'POST', '/access/ticket', { params: { username: 'root@pam', password: 'pvecli-demo' } })).body.data as Record<string, string>;
    rootTicket = { Cookie: `PVEAuthCookie=${encodeURIComponent(login.ticket)}`, CSRFPreventionToken: login.CSRFPreventionToken };
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
    await must(call('POST', '/cluster/ha/resources', { sid: 'vm:100' }));
    await must(call('POST', '/cluster/ha/rules', { rule: 'keep-on-pve', type: 'node-affinity', resources: 'vm:100', nodes: 'pve' }));
    for (const [base, template] of [['/nodes/pve', '/nodes/{node}'], ['/nodes/pve/qemu/100', '/nodes/{node}/qemu/{vmid}'], ['/nodes/pve/lxc/110', '/nodes/{node}/lxc/{vmid}']]) {
      const grant = (await must(call('POST', `${base}/termproxy`))).body.data as { port: number; ticket: string };
      state.consoles[`GET ${template}/vncwebsocket`] = { port: String(grant.port), vncticket: grant.ticket };
    }
  });
  afterAll(async () => server?.close());

  /** Runs a call's task to its end. */
  const settle = async (r: Promise<Reply>, what: string) => {
    const reply = await r;
    if (reply.status !== 200) throw new Error(`setup (${what}) failed: ${reply.status} ${reply.statusText}`);
    if (typeof reply.body.data === 'string' && reply.body.data.startsWith('UPID:')) await waitTask(server.url, reply.body.data, auth);
  };

  /** Bring the guest of a power action into the state Proxmox requires for it. */
  async function preparePower(c: Case, path: string): Promise<void> {
    const m = /^(\/nodes\/[^/]+\/(qemu|lxc)\/\d+)\/status\/(\w+)$/.exec(path);
    const needs = m && c.method === 'POST' ? POWER_NEEDS[m[3]] : undefined;
    if (!m || !needs) return;
    // Tasks earlier operations started on the guest end first.
    const [, node, vmid] = /^\/nodes\/([^/]+)\/\w+\/(\d+)/.exec(m[1])!;
    for (let active = 1; active > 0; ) {
      const tasks = (await call('GET', `/nodes/${node}/tasks`, { source: 'active', vmid })).body.data as Array<{ type: string }>;
      // A console's termproxy task runs as long as its ticket is valid (40 s) and holds no lock: not waited for.
      active = tasks.filter((t) => !/^(termproxy|vncproxy|vncshell)$/.test(t.type)).length;
      if (active) await new Promise((r) => setTimeout(r, 5));
    }
    const status = (await call('GET', `${m[1]}/status/current`)).body.data as { status: string; qmpstatus?: string };
    const running = status.status === 'running' && (status.qmpstatus ?? 'running') !== 'paused';
    if (!running && (needs === 'running' || needs === 'paused')) await settle(call('POST', `${m[1]}/status/${status.qmpstatus === 'paused' ? 'resume' : 'start'}`), `${path} ${JSON.stringify(status)}`);
    if (needs === 'paused') await settle(call('POST', `${m[1]}/status/suspend`), path);
    if (needs === 'stopped' && status.status === 'running') await settle(call('POST', `${m[1]}/status/stop`), path);
  }

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
      await preparePower(c, path);
      const reply = await call(c.method, path, params, authFor(c.op));
      const label = `${c.method} ${c.template} (${path})`;
      const refusal = ALWAYS_REFUSED[`${c.method} ${c.template}`];
      if (refusal !== undefined) {
        if (reply.status !== 500 || reply.body.message !== `${refusal}\n`) failures.push(`${label}: expected 500 ${refusal}, got ${reply.status} ${reply.statusText}`);
        continue;
      }
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

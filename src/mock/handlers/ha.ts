/**
 * High availability as pve-ha-manager's PVE::API2::HA::{Resources,Rules,Groups,Status} answer it: resources and
 * rules kept in the state, Proxmox's errors for what does not exist, and HA groups refused because a PVE 9 cluster
 * has migrated them to rules. The status lists what the CRM would report for the configured resources.
 */
import type { Effect } from '../effects';
import { badParams, fail } from '../mock-error';
import { type ConfigValue, type Guest, type HaConfig, type MockState, dict } from '../state';
import { type HandlerContext, type HandlerTable, now, str } from './context';

/** The HA configuration, created on first use (resources.cfg and rules.cfg do not exist until then). */
function haOf(state: MockState): HaConfig {
  return (state.data.ha ??= { resources: dict(), rules: dict() });
}

export const haManaged = (state: MockState, sid: string): boolean => Boolean(state.data.ha?.resources[sid]);

/** A guest's `ha` in its status: managed or not, and the state the CRM holds it in. */
export function haServiceStatus(state: MockState, sid: string): Record<string, unknown> {
  const r = state.data.ha?.resources[sid];
  if (!r) return { managed: 0 };
  const requested = String(r.state ?? 'started');
  return { managed: 1, state: requested === 'enabled' ? 'started' : requested };
}

/** `ha-manager set SID --state STATE` from a guest's start or stop: the CRM then brings the guest there. */
export function haRequest(_state: MockState, sid: string, wanted: 'started' | 'stopped', g: Guest): Effect[] {
  const power: Effect =
    wanted === 'started' ? { op: 'power', vmid: g.vmid, status: 'running', restarted: true } : { op: 'power', vmid: g.vmid, status: 'stopped' };
  return [{ op: 'ha-state', sid, state: wanted }, power];
}

/** PVE::HA::Config::parse_sid: `100` is completed from the guest's type, `vm:100` taken as it is. */
function parseSid(state: MockState, text: string): { sid: string; type: string; name: string } {
  if (/^\d+$/.test(text)) {
    const g = state.guest(text);
    if (!g) throw fail(`unable to detect SID from VMID - VM/CT ${text} does not exist`);
    const type = g.type === 'qemu' ? 'vm' : 'ct';
    return { sid: `${type}:${text}`, type, name: text };
  }
  const m = /^(\S+):(\S+)$/.exec(text);
  if (!m) throw fail(`unable to parse service id '${text}'`);
  return { sid: text, type: m[1], name: m[2] };
}

/** The digest section configs report: it changes with every change. */
const digestOf = (section: Record<string, unknown>): string => {
  let h = 0x811c9dc5;
  for (const c of JSON.stringify(section)) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(5);
};

function checkDigest(ctx: HandlerContext, section: Record<string, unknown>): void {
  const sent = str(ctx.args.digest);
  if (sent !== undefined && sent !== digestOf(section)) throw fail('detected modified configuration - file changed by other user? Try again.');
}

const RESOURCE_OPTIONS = ['state', 'comment', 'failback', 'max_restart', 'max_relocate', 'auto-rebalance'];
const RULE_OPTIONS = ['resources', 'nodes', 'affinity', 'strict', 'disable', 'comment'];

function pick(args: Record<string, unknown>, keys: string[]): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const k of keys) if (args[k] !== undefined) out[k] = args[k] as ConfigValue;
  return out;
}

function resourceRow(ha: HaConfig, sid: string): Record<string, unknown> {
  const r = ha.resources[sid];
  if (!r) throw fail(`no such resource '${sid}'`);
  return { ...r, sid, digest: digestOf(ha.resources) };
}

/** The guest a resource names must exist in the cluster and be of its type (PVE::HA::Resources::PVEVM/PVECT exists). */
function checkGuest(state: MockState, type: string, name: string, sid: string): void {
  if (type !== 'vm' && type !== 'ct') throw fail(`no such resource type '${type}'`);
  if (!/^[1-9][0-9]+$/.test(name)) throw fail('invalid VMID');
  const g = state.guest(name);
  if (!g) throw fail(`resource '${sid}' does not exist in cluster`);
  const expected = type === 'vm' ? 'qemu' : 'lxc';
  if (g.type !== expected) throw fail(`resource '${sid}' - guest with ID ${name} is not a ${type === 'vm' ? 'VM' : 'CT'}`);
}

/** Deletions (`delete=comment,max_restart`) of options a section may have; `no such option` otherwise. */
function deleteOptions(target: Record<string, ConfigValue>, list: unknown, allowed: string[], required: string[]): void {
  for (const k of String(list ?? '').split(/[,;\s]+/).filter(Boolean)) {
    if (!allowed.includes(k) && !required.includes(k)) throw fail(`no such option '${k}'`);
    if (required.includes(k)) throw fail(`unable to delete required option '${k}'`);
    delete target[k];
  }
}

const splitList = (v: unknown) => String(v ?? '').split(/[,;\s]+/).filter(Boolean);

/** Rules name resources HA manages and nodes of the cluster (PVE::API2::HA::Rules assert_valid_*). */
function checkRuleTargets(ctx: HandlerContext, opts: Record<string, ConfigValue>): void {
  const ha = haOf(ctx.state);
  if (opts.resources !== undefined) {
    const resources = splitList(opts.resources);
    if (!resources.length) throw fail('no resources were specified');
    const unmanaged = resources.filter((r) => !ha.resources[r]);
    if (unmanaged.length) throw fail(`cannot use unmanaged resource(s) ${unmanaged.join(', ')}.`);
  }
  if (opts.nodes !== undefined) {
    const nodes = splitList(opts.nodes).map((n) => n.split(':')[0]);
    if (!nodes.length) throw fail('no nodes were specified');
    const unknown = nodes.filter((n) => !ctx.state.data.nodes.includes(n));
    if (unknown.length) throw fail(`cannot use non-existent node(s) ${unknown.join(', ')}.`);
  }
}

function ruleRow(ha: HaConfig, id: string): Record<string, unknown> {
  const r = ha.rules[id];
  if (!r) throw fail(`no such ha rule '${id}'`);
  const defaults = r.type === 'resource-affinity' ? { disable: 0 } : { disable: 0, strict: 0 };
  return { ...defaults, ...r, rule: id, digest: digestOf(ha.rules) };
}

/** The line the HA status shows for a time, as Perl's scalar localtime writes it. */
function perlTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  const [wd, mon, day, time, year] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11), d.getUTCDate(), d.toISOString().slice(11, 19), d.getUTCFullYear()];
  return `${wd} ${mon} ${String(day).padStart(2, ' ')} ${time} ${year}`;
}

/** What `ha-manager status` shows: quorum, and with resources the master, the LRMs and each service. */
function currentStatus(ctx: HandlerContext): Array<Record<string, unknown>> {
  const state = ctx.state;
  const first = state.data.nodes[0];
  const rows: Array<Record<string, unknown>> = [{ id: 'quorum', type: 'quorum', node: first, status: 'OK', quorate: 1 }];
  const resources = Object.entries(state.data.ha?.resources ?? {});
  if (!resources.length) return rows;
  const t = now();
  rows.push({ id: 'master', type: 'master', node: first, status: `${first} (active, ${perlTime(t)})`, timestamp: t });
  rows.push({ id: 'fencing', type: 'fencing', node: first, status: 'armed (CRM watchdog active)', 'armed-state': 'armed' });
  const nodeOf = (sid: string) => state.guest(sid.split(':')[1])?.node;
  for (const node of state.data.nodes) {
    const active = resources.some(([sid]) => nodeOf(sid) === node);
    const mode = active ? 'active, watchdog active' : 'idle, watchdog standby';
    rows.push({ id: `lrm:${node}`, type: 'lrm', node, status: `${node} (${mode}, ${perlTime(t)})`, timestamp: t });
  }
  for (const [sid, r] of resources.sort(([a], [b]) => (a < b ? -1 : 1))) {
    const node = nodeOf(sid) ?? '---';
    const requested = String(r.state ?? 'started');
    const verbose = String(haServiceStatus(state, sid).state);
    const row: Record<string, unknown> = { id: `service:${sid}`, type: 'service', sid, node, crm_state: verbose, state: verbose, status: `${sid} (${node}, ${verbose})`, request_state: requested };
    for (const k of ['max_restart', 'max_relocate', 'failback', 'comment']) if (r[k] !== undefined) row[k] = r[k];
    rows.push(row);
  }
  return rows;
}

/** The CRM's commands for a resource's move: the guest goes when the CRM runs them, here at once. */
function moveResource(ctx: HandlerContext): Record<string, unknown> {
  const { sid } = parseSid(ctx.state, ctx.params.sid);
  const node = String(ctx.args.node);
  if (!haManaged(ctx.state, sid)) throw fail(`resource '${sid}' is not HA managed`);
  const g = ctx.state.guest(sid.split(':')[1]);
  if (g && g.node !== node && ctx.state.data.nodes.includes(node)) {
    ctx.task({ node: g.node, type: g.type === 'qemu' ? 'qmigrate' : 'vzmigrate', id: String(g.vmid), effects: { end: [{ op: 'migrate', vmid: g.vmid, target: node }] } });
  }
  return { sid, 'requested-node': node };
}

const GROUPS_MIGRATED = 'ha groups have been migrated to rules';

export const haHandlers: HandlerTable = {
  'GET /cluster/ha/resources': (ctx) => {
    const ha = haOf(ctx.state);
    return Object.keys(ha.resources)
      .map((sid) => resourceRow(ha, sid))
      .filter((r) => !ctx.args.type || r.type === ctx.args.type);
  },

  'GET /cluster/ha/resources/{sid}': (ctx) => resourceRow(haOf(ctx.state), parseSid(ctx.state, ctx.params.sid).sid),

  'POST /cluster/ha/resources': (ctx) => {
    const { sid, type, name } = parseSid(ctx.state, String(ctx.args.sid));
    if (ctx.args.type !== undefined && ctx.args.type !== type) throw fail('types does not match');
    if (ctx.args.group !== undefined) throw fail(`invalid parameter 'group': ${GROUPS_MIGRATED}`);
    checkGuest(ctx.state, type, name, sid);
    const ha = haOf(ctx.state);
    if (ha.resources[sid]) throw fail(`create resource failed: resource ID '${sid}' already defined`);
    ha.resources[sid] = { type, ...pick(ctx.args, RESOURCE_OPTIONS) };
    ctx.changed();
    return null;
  },

  'PUT /cluster/ha/resources/{sid}': (ctx) => {
    const { sid } = parseSid(ctx.state, ctx.params.sid);
    if (ctx.args.group !== undefined) throw fail(`invalid parameter 'group': ${GROUPS_MIGRATED}`);
    const ha = haOf(ctx.state);
    try {
      checkDigest(ctx, ha.resources);
      const r = ha.resources[sid];
      if (!r) throw fail(`no such resource '${sid}'`);
      Object.assign(r, pick(ctx.args, RESOURCE_OPTIONS));
      deleteOptions(r, ctx.args.delete, RESOURCE_OPTIONS, ['type']);
    } catch (e) {
      throw fail(`update resources config failed: ${(e as Error).message}`);
    }
    ctx.changed();
    return null;
  },

  'DELETE /cluster/ha/resources/{sid}': (ctx) => {
    const { sid } = parseSid(ctx.state, ctx.params.sid);
    const ha = haOf(ctx.state);
    if (!ha.resources[sid]) throw fail(`cannot delete service '${sid}', not HA managed!`);
    delete ha.resources[sid];
    // purge (default 1) drops the resource from the rules, and rules left without resources.
    if (ctx.args.purge === undefined || ctx.args.purge === 1 || ctx.args.purge === '1' || ctx.args.purge === true) {
      for (const [id, rule] of Object.entries(ha.rules)) {
        const left = splitList(rule.resources).filter((r) => r !== sid);
        if (left.length) rule.resources = left.join(',');
        else delete ha.rules[id];
      }
    }
    ctx.changed();
    return null;
  },

  'POST /cluster/ha/resources/{sid}/migrate': moveResource,
  'POST /cluster/ha/resources/{sid}/relocate': moveResource,

  'GET /cluster/ha/groups': () => {
    throw fail(`cannot index groups: ${GROUPS_MIGRATED}`);
  },
  'GET /cluster/ha/groups/{group}': () => {
    throw fail(`cannot read group: ${GROUPS_MIGRATED}`);
  },
  'POST /cluster/ha/groups': () => {
    throw fail(`cannot create group: ${GROUPS_MIGRATED}`);
  },
  'PUT /cluster/ha/groups/{group}': () => {
    throw fail(`cannot update group: ${GROUPS_MIGRATED}`);
  },
  'DELETE /cluster/ha/groups/{group}': () => {
    throw fail(`cannot delete group: ${GROUPS_MIGRATED}`);
  },

  'GET /cluster/ha/rules': (ctx) => {
    const ha = haOf(ctx.state);
    return Object.keys(ha.rules)
      .sort((a, b) => Number(ha.rules[a].order) - Number(ha.rules[b].order))
      .map((id) => ruleRow(ha, id))
      .filter((r) => !ctx.args.type || r.type === ctx.args.type)
      .filter((r) => !ctx.args.resource || splitList(r.resources).includes(String(ctx.args.resource)));
  },

  'GET /cluster/ha/rules/{rule}': (ctx) => ruleRow(haOf(ctx.state), ctx.params.rule),

  'POST /cluster/ha/rules': (ctx) => {
    const ha = haOf(ctx.state);
    const id = String(ctx.args.rule);
    const type = String(ctx.args.type);
    const opts = pick(ctx.args, RULE_OPTIONS);
    if (type === 'node-affinity' && opts.nodes === undefined) throw badParams({ nodes: 'property is missing and it is not optional' });
    if (type === 'resource-affinity' && opts.affinity === undefined) throw badParams({ affinity: 'property is missing and it is not optional' });
    try {
      if (ha.rules[id]) throw fail(`HA rule '${id}' already defined`);
      checkRuleTargets(ctx, { resources: opts.resources ?? '', ...opts });
    } catch (e) {
      throw fail(`create ha rule failed: ${(e as Error).message}`);
    }
    const order = Math.max(0, ...Object.values(ha.rules).map((r) => Number(r.order))) + 1;
    ha.rules[id] = { type, ...opts, order };
    ctx.changed();
    return null;
  },

  'PUT /cluster/ha/rules/{rule}': (ctx) => {
    const ha = haOf(ctx.state);
    const id = ctx.params.rule;
    try {
      checkDigest(ctx, ha.rules);
      const rule = ha.rules[id];
      if (!rule) throw fail(`HA rule '${id}' does not exist`);
      if (ctx.args.type !== undefined && ctx.args.type !== rule.type) throw fail('types does not match');
      const opts = pick(ctx.args, RULE_OPTIONS);
      checkRuleTargets(ctx, opts);
      Object.assign(rule, opts);
      deleteOptions(rule, ctx.args.delete, ['comment', 'disable', 'strict'], ['resources', 'nodes', 'affinity', 'type']);
    } catch (e) {
      throw fail(`update HA rules failed: ${(e as Error).message}`);
    }
    ctx.changed();
    return null;
  },

  // Deleting a rule that does not exist is no error in pve-ha-manager.
  'DELETE /cluster/ha/rules/{rule}': (ctx) => {
    delete haOf(ctx.state).rules[ctx.params.rule];
    ctx.changed();
    return null;
  },

  'GET /cluster/ha/status/current': currentStatus,

  'GET /cluster/ha/status/manager_status': (ctx) => {
    const first = ctx.state.data.nodes[0];
    const services = Object.fromEntries(
      Object.entries(ctx.state.data.ha?.resources ?? {}).map(([sid, r]) => [sid, { node: ctx.state.guest(sid.split(':')[1])?.node, state: String(r.state ?? 'started') }]),
    );
    const active = Object.keys(services).length > 0;
    return {
      manager_status: active
        ? { master_node: first, timestamp: now(), node_status: Object.fromEntries(ctx.state.data.nodes.map((n) => [n, 'online'])), service_status: services }
        : {},
      quorum: { node: first, quorate: '1' },
      ...(active ? { lrm_status: Object.fromEntries(ctx.state.data.nodes.map((n) => [n, { mode: 'active', state: 'active', timestamp: now() }])) } : {}),
    };
  },
};

/** Resource pools: /pools (PVE 9 style with `poolid` parameters) and the older /pools/{poolid}. */
import { hasPrivs } from '../acl';
import { fail } from '../mock-error';
import type { MockState, Pool } from '../state';
import { type HandlerContext, type HandlerTable, bool, str } from './context';
import { guestStatus } from './guest-common';

function poolAt(state: MockState, id: string): Pool {
  const p = state.data.pools[id];
  if (!p) throw fail(`pool '${id}' does not exist`);
  return p;
}

function members(state: MockState, p: Pool, type?: string): Array<Record<string, unknown>> {
  return p.members.filter((m) => !type || m.startsWith(`${type}/`)).map((m) => {
    const [type, id] = m.split('/');
    if (type === 'storage') return { id: `storage/${state.data.nodes[0]}/${id}`, type: 'storage', storage: id, node: state.data.nodes[0] };
    const g = state.guest(id);
    return g ? { id: m, type, vmid: g.vmid, node: g.node, ...guestStatus(state, g) } : { id: m, type, vmid: Number(id) };
  });
}

function update(ctx: HandlerContext, p: Pool): null {
  const remove = bool(ctx.args.delete);
  const list = (v: unknown) => String(v ?? '').split(/[,;\s]+/).filter(Boolean);
  const wanted: string[] = [];
  for (const vmid of list(ctx.args.vms)) {
    const g = ctx.state.guest(vmid);
    if (!g) throw fail(`no such VMID '${vmid}'`);
    wanted.push(`${g.type}/${vmid}`);
  }
  for (const s of list(ctx.args.storage)) {
    if (!ctx.state.data.storages[s]) throw fail(`no such storage '${s}'`);
    wanted.push(`storage/${s}`);
  }
  if (remove) p.members = p.members.filter((m) => !wanted.includes(m));
  else for (const m of wanted) if (!p.members.includes(m)) p.members.push(m);
  if (ctx.args.comment !== undefined) p.comment = String(ctx.args.comment);
  ctx.changed();
  return null;
}

function remove(ctx: HandlerContext, id: string): null {
  const p = poolAt(ctx.state, id);
  if (p.members.length) throw fail(`pool '${id}' is not empty`);
  delete ctx.state.data.pools[id];
  ctx.changed();
  return null;
}

export const poolHandlers: HandlerTable = {
  // Pools with Pool.Audit; their members only when one pool is asked for with `poolid`.
  'GET /pools': (ctx) => {
    const one = str(ctx.args.poolid);
    return Object.values(ctx.state.data.pools)
      .filter((p) => (!one || p.poolid === one) && hasPrivs(ctx.state, ctx.id, `/pool/${p.poolid}`, ['Pool.Audit']))
      .sort((a, b) => (a.poolid < b.poolid ? -1 : 1))
      .map((p) => ({ poolid: p.poolid, ...(p.comment ? { comment: p.comment } : {}), ...(one ? { members: members(ctx.state, p, str(ctx.args.type)) } : {}) }));
  },
  'POST /pools': (ctx) => {
    const id = String(ctx.args.poolid);
    if (ctx.state.data.pools[id]) throw fail(`pool '${id}' already exists`);
    ctx.state.data.pools[id] = { poolid: id, comment: str(ctx.args.comment), members: [] };
    ctx.changed();
    return null;
  },
  'PUT /pools': (ctx) => update(ctx, poolAt(ctx.state, String(ctx.args.poolid))),
  'DELETE /pools': (ctx) => remove(ctx, String(ctx.args.poolid)),
  'GET /pools/{poolid}': (ctx) => {
    const p = poolAt(ctx.state, ctx.params.poolid);
    return { ...(p.comment ? { comment: p.comment } : {}), members: members(ctx.state, p, str(ctx.args.type)) };
  },
  'PUT /pools/{poolid}': (ctx) => update(ctx, poolAt(ctx.state, ctx.params.poolid)),
  'DELETE /pools/{poolid}': (ctx) => remove(ctx, ctx.params.poolid),
};

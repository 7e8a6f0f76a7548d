/** Resource pools: /pools (PVE 9 style with `poolid` parameters) and the older /pools/{poolid}. */
import { evaluateCheck, hasPrivs, requirePrivs } from '../acl';
import { MockError, fail } from '../mock-error';
import type { MockState, Pool } from '../state';
import { type HandlerContext, type HandlerTable, bool, str } from './context';
import { guestStatus } from './guest-common';

function poolAt(state: MockState, id: string): Pool {
  const p = state.data.pools[id];
  if (!p) throw fail(`pool '${id}' does not exist`);
  return p;
}

/**
 * pve-access-control lock_user_config: a failure inside the lock becomes a 500 that starts with what failed; a
 * permission error keeps its status only in its text (PVE::Exception stringified: `403 Permission check failed`).
 */
function locked<T>(what: string, code: () => T): T {
  try {
    return code();
  } catch (e) {
    if (!(e instanceof MockError)) throw e;
    throw fail(`${what}: ${e.status === 500 ? '' : `${e.status} `}${e.message}`);
  }
}

function members(state: MockState, p: Pool, type?: string): Array<Record<string, unknown>> {
  return p.members.filter((m) => !type || m.startsWith(`${type}/`)).map((m) => {
    const [type, id] = m.split('/');
    if (type === 'storage') return { id: `storage/${state.data.nodes[0]}/${id}`, type: 'storage', storage: id, node: state.data.nodes[0] };
    const g = state.guest(id);
    return g ? { id: m, type, vmid: g.vmid, node: g.node, ...guestStatus(state, g) } : { id: m, type, vmid: Number(id) };
  });
}

const list = (v: unknown) => String(v ?? '').split(/[,;\s]+/).filter(Boolean);

/** pve-manager PVE/API2/Pool.pm update_pool: members added or removed one by one, each with perm-modify on it. */
function update(ctx: HandlerContext, id: string): null {
  return locked('update pools failed', () => {
    const p = poolAt(ctx.state, id);
    const remove = bool(ctx.args.delete);
    if (ctx.args.comment !== undefined) p.comment = String(ctx.args.comment);
    const guestKey = (vmid: string) => p.members.find((m) => m === `qemu/${vmid}` || m === `lxc/${vmid}`);
    for (const vmid of list(ctx.args.vms)) {
      const denied = evaluateCheck(ctx.state, ctx.id, ['perm-modify', `/vms/${vmid}`], {});
      if (denied) throw denied;
      if (remove) {
        const key = guestKey(vmid);
        if (!key) throw fail(`VM ${vmid} is not a pool member`);
        p.members = p.members.filter((m) => m !== key);
        continue;
      }
      if (guestKey(vmid)) throw fail(`VM ${vmid} is already a pool member`);
      const g = ctx.state.guest(vmid);
      if (!g) throw fail(`no such VMID '${vmid}'`);
      const key = `${g.type}/${vmid}`;
      const other = Object.values(ctx.state.data.pools).find((o) => o !== p && o.members.includes(key));
      if (other) {
        if (!bool(ctx.args['allow-move'])) throw fail(`VM ${vmid} belongs already to pool '${other.poolid}' and 'allow-move' is not set`);
        requirePrivs(ctx.state, ctx.id, `/pool/${other.poolid}`, ['Pool.Allocate']);
        other.members = other.members.filter((m) => m !== key);
      }
      p.members.push(key);
    }
    for (const storeid of list(ctx.args.storage)) {
      const denied = evaluateCheck(ctx.state, ctx.id, ['perm-modify', `/storage/${storeid}`], {});
      if (denied) throw denied;
      const key = `storage/${storeid}`;
      if (remove) {
        if (!p.members.includes(key)) throw fail(`Storage '${storeid}' is not a pool member`);
        p.members = p.members.filter((m) => m !== key);
      } else {
        if (p.members.includes(key)) throw fail(`Storage '${storeid}' is already a pool member`);
        p.members.push(key);
      }
    }
    ctx.changed();
    return null;
  });
}

/** pve-manager PVE/API2/Pool.pm delete_pool: only an empty pool, named by what it still holds. */
function remove(ctx: HandlerContext, id: string): null {
  return locked('delete pool failed', () => {
    const p = poolAt(ctx.state, id);
    const sub = Object.keys(ctx.state.data.pools).find((k) => k.startsWith(`${id}/`));
    if (sub) throw fail(`pool '${id}' is not empty (contains pool '${sub}')`);
    const vm = p.members.find((m) => !m.startsWith('storage/'));
    if (vm) throw fail(`pool '${id}' is not empty (contains VM ${vm.split('/')[1]})`);
    const storage = p.members.find((m) => m.startsWith('storage/'));
    if (storage) throw fail(`pool '${id}' is not empty (contains storage '${storage.slice(8)}')`);
    delete ctx.state.data.pools[id];
    ctx.changed();
    return null;
  });
}

/** pve-manager PVE/API2/Pool.pm create_pool: a nested pool (`parent/child`) needs its parent. */
function create(ctx: HandlerContext): null {
  return locked('create pool failed', () => {
    const id = String(ctx.args.poolid);
    if (ctx.state.data.pools[id]) throw fail(`pool '${id}' already exists`);
    const slash = id.lastIndexOf('/');
    if (slash > 0 && !ctx.state.data.pools[id.slice(0, slash)]) throw fail(`parent '${id.slice(0, slash)}' of pool '${id}' does not exist`);
    ctx.state.data.pools[id] = { poolid: id, comment: str(ctx.args.comment), members: [] };
    ctx.changed();
    return null;
  });
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
  'POST /pools': create,
  'PUT /pools': (ctx) => update(ctx, String(ctx.args.poolid)),
  'DELETE /pools': (ctx) => remove(ctx, String(ctx.args.poolid)),
  'GET /pools/{poolid}': (ctx) => {
    const p = poolAt(ctx.state, ctx.params.poolid);
    return { ...(p.comment ? { comment: p.comment } : {}), members: members(ctx.state, p, str(ctx.args.type)) };
  },
  'PUT /pools/{poolid}': (ctx) => update(ctx, ctx.params.poolid),
  'DELETE /pools/{poolid}': (ctx) => remove(ctx, ctx.params.poolid),
};

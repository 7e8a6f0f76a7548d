/** A guest's snapshots: list, take, delete, read and describe one, roll back to one. */
import { badParams, fail } from '../mock-error';
import type { ConfigValue, Guest, GuestType } from '../state';
import { type HandlerContext, bool, now, str } from './context';
import { configDigest, guestOf, startTask } from './guest-common';

export function snapshotOf(g: Guest, name: string) {
  const s = g.snapshots[name];
  if (!s) throw fail(`snapshot '${name}' does not exist`);
  return s;
}

/** The snapshot of the request's path. */
const snapshotAt = (type: GuestType, ctx: HandlerContext) => snapshotOf(guestOf(type, ctx), ctx.params.snapname);

/** The snapshot the current state descends from: Proxmox keeps it as `parent` in the guest's config. */
function currentParent(g: Guest): string | undefined {
  const p = g.config.parent;
  return typeof p === 'string' && g.snapshots[p] ? p : undefined;
}

/** What a snapshot keeps of the config (as PVE::AbstractConfig's snapshot copy): no lock, no own parent or digest. */
function snapshotConfig(config: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const { lock: _lock, parent: _parent, description: _description, ...rest } = config;
  return rest;
}

/** `GET .../snapshot`: every snapshot, then `current` ("You are here!"). */
export function listSnapshots(type: GuestType, ctx: HandlerContext): Array<Record<string, unknown>> {
  const g = guestOf(type, ctx);
  const list: Array<Record<string, unknown>> = Object.values(g.snapshots).map((s) => ({
    name: s.name,
    description: s.description ?? '',
    snaptime: s.snaptime,
    ...(s.parent ? { parent: s.parent } : {}),
    ...(type === 'qemu' ? { vmstate: s.vmstate ?? 0 } : {}),
  }));
  const parent = currentParent(g);
  list.push({
    name: 'current',
    description: 'You are here!',
    digest: configDigest(g.config),
    ...(parent ? { parent } : {}),
    ...(type === 'qemu' ? { running: g.status === 'running' ? 1 : 0 } : {}),
  });
  return list;
}

/** `POST .../snapshot`: taken at once (Proxmox's snapshot_prepare); the task commits it as the current state's parent. */
export function takeSnapshot(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const name = String(ctx.args.snapname);
  if (name === 'current') throw badParams({ snapname: "invalid snapshot name 'current'" });
  if (g.snapshots[name]) throw fail(`snapshot name '${name}' already used`);
  g.snapshots[name] = {
    name,
    description: str(ctx.args.description),
    snaptime: now(),
    parent: currentParent(g),
    vmstate: bool(ctx.args.vmstate) ? 1 : 0,
    config: snapshotConfig(g.config),
  };
  return startTask(ctx, g, 'snapshot', {
    effects: [{ op: 'snapshot-commit', vmid: g.vmid, name }],
    cleanup: [{ op: 'snapshot-delete', vmid: g.vmid, name }],
  });
}

/** `DELETE .../snapshot/{snapname}`. */
export function deleteSnapshot(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const s = snapshotOf(g, ctx.params.snapname);
  return startTask(ctx, g, 'delsnapshot', { effects: [{ op: 'snapshot-delete', vmid: g.vmid, name: s.name }] });
}

/** `GET .../snapshot/{snapname}`: its directory index. */
export function snapshotIndex(type: GuestType, ctx: HandlerContext): Array<{ href: string }> {
  snapshotAt(type, ctx);
  return [{ href: 'config' }, { href: 'rollback' }];
}

/** `GET .../snapshot/{snapname}/config`. */
export function snapshotConfigOf(type: GuestType, ctx: HandlerContext): Record<string, unknown> {
  const s = snapshotAt(type, ctx);
  return { ...s.config, ...(s.parent ? { parent: s.parent } : {}), ...(s.description ? { description: s.description } : {}), snaptime: s.snaptime };
}

/** `PUT .../snapshot/{snapname}/config`: only its description changes. */
export function describeSnapshot(type: GuestType, ctx: HandlerContext): null {
  const s = snapshotAt(type, ctx);
  if (ctx.args.description !== undefined) s.description = String(ctx.args.description);
  ctx.changed();
  return null;
}

/** `POST .../snapshot/{snapname}/rollback`. */
export function rollback(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const s = snapshotOf(g, ctx.params.snapname);
  return startTask(ctx, g, 'rollback', { effects: [{ op: 'rollback', vmid: g.vmid, name: s.name, start: bool(ctx.args.start) }] });
}

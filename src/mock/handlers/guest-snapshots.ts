/**
 * A guest's snapshots: list, take, delete, read and describe one, roll back to one. Reserved names are refused
 * before the fork; a name in use, a snapshot that does not exist or a locked guest fail in the worker
 * (PVE::AbstractConfig snapshot_create/_delete/_rollback), so those calls still answer with a UPID.
 */
import { fail } from '../mock-error';
import type { ConfigValue, Guest, GuestType } from '../state';
import { type HandlerContext, bool, now, str } from './context';
import { assertUnlocked, configDigest, guestOf, isRunning, lockError, startTask } from './guest-common';

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
    ...(type === 'qemu' ? { vmstate: s.vmstate ? 1 : 0 } : {}),
  }));
  const parent = currentParent(g);
  list.push({
    name: 'current',
    description: 'You are here!',
    digest: configDigest(g.config),
    ...(parent ? { parent } : {}),
    running: isRunning(g) ? 1 : 0,
  });
  return list;
}

/** A name the handlers refuse before the fork: `current` for both, `pending` (any case) for VMs, `vzdump` for CTs. */
function reservedName(type: GuestType, name: string): string | undefined {
  if (name === 'current') return name;
  if (type === 'qemu') return name.toLowerCase() === 'pending' ? 'pending' : undefined;
  return name === 'vzdump' ? name : undefined;
}

/** `POST .../snapshot`: taken at once (snapshot_prepare); the task commits it as the current state's parent. */
export function takeSnapshot(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const name = String(ctx.args.snapname);
  const reserved = reservedName(type, name);
  if (reserved) throw fail(`unable to use snapshot name '${reserved}' (reserved name)`);
  const refused = lockError(g) ?? (g.snapshots[name] ? `snapshot name '${name}' already used` : undefined);
  if (refused) return startTask(ctx, g, 'snapshot', { error: refused });
  g.snapshots[name] = {
    name,
    description: str(ctx.args.description),
    snaptime: now(),
    parent: currentParent(g),
    vmstate: type === 'qemu' && bool(ctx.args.vmstate) ? 1 : 0,
    config: snapshotConfig(g.config),
  };
  return startTask(ctx, g, 'snapshot', {
    effects: [{ op: 'snapshot-commit', vmid: g.vmid, name }],
    cleanup: [{ op: 'snapshot-delete', vmid: g.vmid, name }],
    lock: 'snapshot',
  });
}

/** The error a worker on an existing snapshot ends with: the guest's lock, or the snapshot missing. */
const snapshotWorkError = (g: Guest, name: string): string | undefined =>
  lockError(g) ?? (g.snapshots[name] ? undefined : `snapshot '${name}' does not exist`);

/** `DELETE .../snapshot/{snapname}`. */
export function deleteSnapshot(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const name = ctx.params.snapname;
  const error = bool(ctx.args.force) && g.snapshots[name] ? undefined : snapshotWorkError(g, name);
  if (error) return startTask(ctx, g, 'delsnapshot', { error });
  return startTask(ctx, g, 'delsnapshot', { effects: [{ op: 'snapshot-delete', vmid: g.vmid, name }], lock: 'snapshot-delete' });
}

/** `GET .../snapshot/{snapname}`: its directory index, the same for any name (Proxmox does not look it up). */
export function snapshotIndex(): Array<{ cmd: string }> {
  return [{ cmd: 'rollback' }, { cmd: 'config' }];
}

/** `GET .../snapshot/{snapname}/config`. */
export function snapshotConfigOf(type: GuestType, ctx: HandlerContext): Record<string, unknown> {
  const s = snapshotAt(type, ctx);
  return { ...s.config, ...(s.parent ? { parent: s.parent } : {}), ...(s.description ? { description: s.description } : {}), snaptime: s.snaptime };
}

/** `PUT .../snapshot/{snapname}/config`: only its description changes; without one, nothing is even looked up. */
export function describeSnapshot(type: GuestType, ctx: HandlerContext): null {
  if (ctx.args.description === undefined) return null;
  const g = guestOf(type, ctx);
  assertUnlocked(g);
  snapshotOf(g, ctx.params.snapname).description = String(ctx.args.description);
  ctx.changed();
  return null;
}

/** `POST .../snapshot/{snapname}/rollback`. */
export function rollback(type: GuestType, ctx: HandlerContext): string {
  const g = guestOf(type, ctx);
  const name = ctx.params.snapname;
  const error = snapshotWorkError(g, name);
  if (error) return startTask(ctx, g, 'rollback', { error });
  return startTask(ctx, g, 'rollback', { effects: [{ op: 'rollback', vmid: g.vmid, name, start: bool(ctx.args.start) }], lock: 'rollback' });
}

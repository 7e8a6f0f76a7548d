/**
 * QEMU VMs and LXC containers: the table of their operations (one function each, in guest-*.ts), and the reads.
 * Long operations return UPIDs, and what they change takes effect only when their task ends well, as on Proxmox.
 */
import { hasPrivs } from '../acl';
import type { GuestType } from '../state';
import { type HandlerContext, type HandlerTable, str } from './context';
import { configDigest, guestOf, guestStatus } from './guest-common';
import { haServiceStatus } from './ha';
import { cloneGuest, createGuest, resizeDisk, setConfig, setConfigAsync } from './guest-config';
import { destroyGuest, makeTemplate, migrateGuest, powerAction, powerActions } from './guest-power';
import { deleteSnapshot, describeSnapshot, listSnapshots, rollback, snapshotConfigOf, snapshotIndex, snapshotOf, takeSnapshot } from './guest-snapshots';


/** `GET /nodes/{node}/{type}`: the guests there the caller may see. */
function listGuests(type: GuestType, ctx: HandlerContext): Array<Record<string, unknown>> {
  return Object.values(ctx.state.data.guests)
    .filter((g) => g.type === type && g.node === ctx.params.node)
    .filter((g) => hasPrivs(ctx.state, ctx.id, `/vms/${g.vmid}`, ['VM.Audit']))
    .map((g) => guestStatus(ctx.state, g));
}

/** `GET .../config`: the current config, or a snapshot's, with the current digest. */
function getConfig(type: GuestType, ctx: HandlerContext): Record<string, unknown> {
  const g = guestOf(type, ctx);
  const snap = str(ctx.args.snapshot);
  const config = snap ? snapshotOf(g, snap).config : g.config;
  return { ...config, digest: configDigest(g.config) };
}

/** `GET .../pending`: nothing is ever pending in the mock, so every key as it is. */
function pending(type: GuestType, ctx: HandlerContext): Array<{ key: string; value: unknown }> {
  return Object.entries(guestOf(type, ctx).config).map(([key, value]) => ({ key, value }));
}

/** `GET .../status/current`, with the guest's HA state as PVE::HA::Config::get_service_status reports it. */
function currentStatus(type: GuestType, ctx: HandlerContext): Record<string, unknown> {
  const g = guestOf(type, ctx);
  const s = guestStatus(ctx.state, g);
  const ha = haServiceStatus(ctx.state, `${type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}`);
  return type === 'qemu' ? { ...s, ha, agent: g.config.agent ? 1 : 0 } : { ...s, ha };
}

type GuestOperation = (type: GuestType, ctx: HandlerContext) => unknown;

/** Operations by `METHOD path` below `/nodes/{node}/{type}` ('' for the collection, '/{vmid}...' below). */
const OPERATIONS: Record<string, GuestOperation> = {
  'GET ': listGuests,
  'POST ': createGuest,
  'DELETE /{vmid}': destroyGuest,
  'GET /{vmid}/config': getConfig,
  'PUT /{vmid}/config': setConfig,
  'GET /{vmid}/pending': pending,
  'GET /{vmid}/status/current': currentStatus,
  'POST /{vmid}/clone': cloneGuest,
  'POST /{vmid}/template': makeTemplate,
  'GET /{vmid}/snapshot': listSnapshots,
  'POST /{vmid}/snapshot': takeSnapshot,
  'DELETE /{vmid}/snapshot/{snapname}': deleteSnapshot,
  'GET /{vmid}/snapshot/{snapname}': snapshotIndex,
  'GET /{vmid}/snapshot/{snapname}/config': snapshotConfigOf,
  'PUT /{vmid}/snapshot/{snapname}/config': describeSnapshot,
  'POST /{vmid}/snapshot/{snapname}/rollback': rollback,
  'POST /{vmid}/migrate': migrateGuest,
  'PUT /{vmid}/resize': resizeDisk,
};

/** Only QEMU changes its config through a task as well. */
const QEMU_ONLY: Record<string, GuestOperation> = { 'POST /{vmid}/config': setConfigAsync };

export function guestHandlers(type: GuestType): HandlerTable {
  const base = `/nodes/{node}/${type}`;
  const table: HandlerTable = {};
  for (const [key, operation] of Object.entries({ ...OPERATIONS, ...(type === 'qemu' ? QEMU_ONLY : {}) })) {
    const [method, below] = key.split(' ');
    table[`${method} ${base}${below}`] = (ctx) => operation(type, ctx);
  }
  for (const action of powerActions(type)) table[`POST ${base}/{vmid}/status/${action}`] = (ctx) => powerAction(type, action, ctx);
  return table;
}

/**
 * The permission checks of the write operations the schema marks `permissions: {user: all}`: in Proxmox that
 * means "the handler checks for itself", per object. Each entry does what the named handler of Proxmox's source
 * does, before the mock's own handler runs (the router calls `checkObjectPermissions` after validation).
 */
import { hasPrivs, requirePrivs } from './acl';
import { splitList } from '../params/formats';
import { MockError, badParams } from './mock-error';
import type { HandlerContext } from './handlers/context';

/** An entry throws the 403 (or 400) PVE answers, or returns `{ reply }` when PVE answers without running the rest. */
type ObjectCheck = (ctx: HandlerContext) => { reply: unknown } | undefined;

/** pve-common PVE/Exception.pm raise_perm_exc: `Permission check failed` with what failed in parentheses. */
export const permissionDenied = (what?: string): MockError => new MockError(403, what ? `Permission check failed (${what})` : 'Permission check failed');

/** RPCEnvironment `check`: every privilege on the path, else 403 naming the first missing one. */
const need = (ctx: HandlerContext, path: string, privs: string[]): void => requirePrivs(ctx.state, ctx.id, path, privs);
/** RPCEnvironment `check` with noerr. */
const has = (ctx: HandlerContext, path: string, privs: string[]): boolean => hasPrivs(ctx.state, ctx.id, path, privs, true);

const arg = (ctx: HandlerContext, name: string): string | undefined => {
  const v = ctx.args[name];
  return v === undefined || v === null || v === '' ? undefined : Array.isArray(v) ? v.join(',') : String(v);
};
const flag = (ctx: HandlerContext, name: string): boolean => arg(ctx, name) === '1';
const vmList = (ctx: HandlerContext): string[] => splitList(arg(ctx, 'vms') ?? '');

/** pve-manager PVE/API2/Nodes.pm startall, stopall, suspendall, migrateall: everything on `/`, or each listed guest. */
const nodeBulk =
  (rootPrivs: string[], guestPriv: string): ObjectCheck =>
  (ctx) => {
    if (has(ctx, '/', rootPrivs)) return undefined;
    const vms = vmList(ctx);
    if (vms.length === 0) throw permissionDenied(`/, ${rootPrivs.join(' && ')}`);
    for (const vmid of vms) need(ctx, `/vms/${vmid}`, [guestPriv]);
    return undefined;
  };

/** pve-manager PVE/API2/Cluster/BulkAction/Guest.pm check_guest_permissions. */
function guestPermissions(ctx: HandlerContext, privs: string[]): void {
  const vms = vmList(ctx);
  if (vms.length > 0) for (const vmid of vms) need(ctx, `/vms/${vmid}`, privs);
  else if (!has(ctx, '/', privs)) throw permissionDenied(`/, ${privs.join(', ')}`);
}

const clusterBulk =
  (privs: string[]): ObjectCheck =>
  (ctx) => (guestPermissions(ctx, privs), undefined);

/** pve-manager PVE/API2/ReplicationConfig.pm and Replication.pm: VM.Replicate on the guest a job id names. */
const replication: ObjectCheck = (ctx) => {
  const id = arg(ctx, 'id') ?? '';
  const m = /^(\d+)-(\d+)$/.exec(id);
  if (!m) throw new MockError(500, `invalid replication job id '${id}'`);
  need(ctx, `/vms/${m[1]}`, ['VM.Replicate']);
  return undefined;
};

/** pve-network PVE/API2/Network/SDN/Vnets.pm and its subnets/firewall: SDN.Allocate on the vnet in its zone. */
const sdnVnet: ObjectCheck = (ctx) => {
  // The mock keeps no vnet configuration: its one zone is `localnetwork` unless the request names one.
  need(ctx, `/sdn/zones/${arg(ctx, 'zone') ?? 'localnetwork'}/${arg(ctx, 'vnet')}`, ['SDN.Allocate']);
  return undefined;
};

/** A new disk (`STORAGE:SIZE`) in a drive or mount point value: the storage it allocates on. */
function newDiskStorage(value: string): string | undefined {
  const volume = value.split(',').find((part) => !part.includes('=') || part.startsWith('file=') || part.startsWith('volume='));
  const m = /^(?:file=|volume=)?([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i.exec(volume ?? '');
  return m?.[1];
}

const DRIVE = /^(?:ide|sata|scsi|virtio|efidisk|tpmstate|rootfs|mp)\d*$/;

/** VM.Allocate on the guest or its pool; a restore over an existing guest may do with VM.Backup. */
function allocate(ctx: HandlerContext, restore: boolean): void {
  const vmid = arg(ctx, 'vmid');
  const pool = arg(ctx, 'pool');
  if (has(ctx, `/vms/${vmid}`, ['VM.Allocate'])) return;
  if (pool && has(ctx, `/pool/${pool}`, ['VM.Allocate'])) return;
  const exists = vmid !== undefined && ctx.state.guest(vmid) !== undefined;
  if (restore && flag(ctx, 'force') && exists && has(ctx, `/vms/${vmid}`, ['VM.Backup'])) return;
  throw permissionDenied();
}

function poolExists(ctx: HandlerContext): void {
  const pool = arg(ctx, 'pool');
  if (pool !== undefined && !ctx.state.data.pools[pool]) throw permissionDenied(`pool '${pool}' does not exist`);
}

function newDisks(ctx: HandlerContext): void {
  for (const [key, value] of Object.entries(ctx.args)) {
    const storage = DRIVE.test(key) && typeof value === 'string' ? newDiskStorage(value) : undefined;
    if (storage) need(ctx, `/storage/${storage}`, ['Datastore.AllocateSpace']);
  }
}

/** qemu-server PVE/API2/Qemu.pm create_vm. */
const createQemu: ObjectCheck = (ctx) => {
  poolExists(ctx);
  const storage = arg(ctx, 'storage');
  if (storage) need(ctx, `/storage/${storage}`, ['Datastore.AllocateSpace']);
  if (flag(ctx, 'start')) {
    const pool = arg(ctx, 'pool');
    if (!(pool && has(ctx, `/pool/${pool}`, ['VM.PowerMgmt']))) need(ctx, `/vms/${arg(ctx, 'vmid')}`, ['VM.PowerMgmt']);
  }
  allocate(ctx, arg(ctx, 'archive') !== undefined);
  newDisks(ctx);
  return undefined;
};

/** pve-container PVE/API2/LXC.pm create_vm. */
const createLxc: ObjectCheck = (ctx) => {
  const restore = flag(ctx, 'restore');
  if (!restore && arg(ctx, 'unprivileged') === '0') need(ctx, '/', ['Sys.Modify']);
  poolExists(ctx);
  allocate(ctx, restore);
  newDisks(ctx);
  return undefined;
};

const ROOT_ONLY_BACKUP_OPTIONS = ['tmpdir', 'dumpdir', 'script', 'job-id'];

/**
 * pve-manager PVE/API2/VZDump.pm vzdump (with PVE/API2/Backup.pm assert_param_permission_common): options only
 * root may set, Sys.Modify for limits and for `stop`, Datastore.AllocateSpace on the target storage. VM.Backup
 * on each guest is checked by the backup worker (PVE/VZDump.pm exec_backup): the call succeeds and its task fails.
 */
const vzdump: ObjectCheck = (ctx) => {
  const root = ctx.id.userid === 'root@pam' && !ctx.id.tokenid;
  if (!root) {
    for (const key of ROOT_ONLY_BACKUP_OPTIONS) if (ctx.args[key] !== undefined) throw badParams({ [key]: 'Only root may set this option.' });
    if (['bwlimit', 'ionice', 'performance'].some((k) => ctx.args[k] !== undefined)) need(ctx, '/', ['Sys.Modify']);
    const storage = arg(ctx, 'storage');
    if (arg(ctx, 'prune-backups') !== undefined && storage) need(ctx, `/storage/${storage}`, ['Datastore.Allocate']);
  }
  if (flag(ctx, 'stop')) need(ctx, `/nodes/${ctx.params.node}`, ['Sys.Modify']);
  const storage = arg(ctx, 'storage') ?? (arg(ctx, 'dumpdir') ? undefined : 'local');
  if (storage) need(ctx, `/storage/${storage}`, ['Datastore.AllocateSpace']);
  if (flag(ctx, 'all')) return undefined;
  const refused = splitList(arg(ctx, 'vmid') ?? '').find((vmid) => ctx.state.guest(vmid) && !has(ctx, `/vms/${vmid}`, ['VM.Backup']));
  if (refused === undefined) return undefined;
  const message = `Permission check failed (/vms/${refused}, VM.Backup)`;
  return { reply: ctx.task({ node: ctx.params.node, type: 'vzdump', id: refused, log: ['INFO: starting new backup job: vzdump', `ERROR: ${message}`], exitstatus: message }) };
};

/** A volume as pve-storage's parse_volname sees it: its content type and owning guest. */
export function volumeKind(volid: string): { vtype: string; owner?: string } {
  const volname = volid.slice(volid.indexOf(':') + 1);
  const backup = /^backup\/vzdump-(?:qemu|lxc|openvz)-(\d+)-/.exec(volname);
  if (backup) return { vtype: 'backup', owner: backup[1] };
  const dir = /^(iso|vztmpl|snippets|import|backup)\//.exec(volname);
  if (dir) return { vtype: dir[1] };
  const image = /^(?:images\/(\d+)\/|(?:base|vm|subvol|basevol)-(\d+)-)/.exec(volname);
  return { vtype: 'images', owner: image?.[1] ?? image?.[2] };
}

/** The full volume id of a `volume` parameter (pve-storage Content.pm real_volume_id). */
const volumeId = (ctx: HandlerContext): string => {
  const volume = arg(ctx, 'volume') ?? '';
  return volume.includes(':') ? volume : `${ctx.params.storage}:${volume}`;
};

/** pve-storage PVE/API2/Storage/Content.pm delete. */
const deleteVolume: ObjectCheck = (ctx) => {
  const volid = volumeId(ctx);
  const storage = volid.slice(0, volid.indexOf(':'));
  const { vtype, owner } = volumeKind(volid);
  if (vtype === 'backup' && owner) {
    need(ctx, `/storage/${storage}`, ['Datastore.AllocateSpace']);
    need(ctx, `/vms/${owner}`, ['VM.Backup']);
  } else need(ctx, `/storage/${storage}`, ['Datastore.Allocate']);
  return undefined;
};

/** pve-storage PVE/Storage.pm check_volume_access (no guest context), as Content.pm updateattributes calls it. */
const volumeAccess: ObjectCheck = (ctx) => {
  const volid = volumeId(ctx);
  const storage = volid.slice(0, volid.indexOf(':'));
  if (has(ctx, `/storage/${storage}`, ['Datastore.Allocate'])) return undefined;
  const { vtype, owner } = volumeKind(volid);
  if (vtype === 'iso' || vtype === 'vztmpl' || vtype === 'import') {
    requirePrivs(ctx.state, ctx.id, `/storage/${storage}`, ['Datastore.AllocateSpace', 'Datastore.Audit'], true);
  } else if (vtype === 'backup' && owner) {
    need(ctx, `/storage/${storage}`, ['Datastore.AllocateSpace']);
    need(ctx, `/vms/${owner}`, ['VM.Backup']);
  } else if ((vtype === 'images' || vtype === 'rootdir') && owner) {
    need(ctx, `/storage/${storage}`, ['Datastore.Audit']);
    need(ctx, `/vms/${owner}`, ['VM.Config.Disk']);
  } else throw new MockError(500, `missing privileges to access ${volid}`);
  return undefined;
};

/** pve-storage PVE/API2/Storage/PruneBackups.pm delete. */
const prune: ObjectCheck = (ctx) => {
  const vmid = arg(ctx, 'vmid');
  if (vmid !== undefined) {
    need(ctx, `/storage/${ctx.params.storage}`, ['Datastore.AllocateSpace']);
    need(ctx, `/vms/${vmid}`, ['VM.Backup']);
  } else need(ctx, `/storage/${ctx.params.storage}`, ['Datastore.Allocate']);
  return undefined;
};

/**
 * The `user: all` write operations of PVE 9.2, keyed `METHOD /template`. `DELETE /nodes/{node}/tasks/{upid}`
 * (the owner, else Sys.Modify on the node) is checked by its handler, which has the task at hand.
 */
export const OBJECT_CHECKS: Record<string, ObjectCheck> = {
  'POST /nodes/{node}/startall': nodeBulk(['VM.PowerMgmt'], 'VM.PowerMgmt'),
  'POST /nodes/{node}/stopall': nodeBulk(['VM.PowerMgmt'], 'VM.PowerMgmt'),
  'POST /nodes/{node}/suspendall': nodeBulk(['VM.PowerMgmt', 'VM.Config.Disk'], 'VM.PowerMgmt'),
  'POST /nodes/{node}/migrateall': nodeBulk(['VM.Migrate'], 'VM.Migrate'),
  'POST /cluster/bulk-action/guest/start': clusterBulk(['VM.PowerMgmt']),
  'POST /cluster/bulk-action/guest/shutdown': clusterBulk(['VM.PowerMgmt']),
  'POST /cluster/bulk-action/guest/suspend': (ctx) => {
    guestPermissions(ctx, ['VM.PowerMgmt']);
    if (flag(ctx, 'to-disk')) {
      guestPermissions(ctx, ['VM.Config.Disk']);
      const statestorage = arg(ctx, 'statestorage');
      if (statestorage) need(ctx, `/storage/${statestorage}`, ['Datastore.AllocateSpace']);
    }
    return undefined;
  },
  'POST /cluster/bulk-action/guest/migrate': clusterBulk(['VM.Migrate']),
  'POST /cluster/replication': replication,
  'PUT /cluster/replication/{id}': replication,
  'DELETE /cluster/replication/{id}': replication,
  'POST /nodes/{node}/replication/{id}/schedule_now': replication,
  'PUT /cluster/sdn/vnets/{vnet}': sdnVnet,
  'DELETE /cluster/sdn/vnets/{vnet}': sdnVnet,
  'POST /cluster/sdn/vnets/{vnet}/firewall/rules': sdnVnet,
  'PUT /cluster/sdn/vnets/{vnet}/firewall/rules/{pos}': sdnVnet,
  'DELETE /cluster/sdn/vnets/{vnet}/firewall/rules/{pos}': sdnVnet,
  'PUT /cluster/sdn/vnets/{vnet}/firewall/options': sdnVnet,
  'POST /cluster/sdn/vnets/{vnet}/subnets': sdnVnet,
  'PUT /cluster/sdn/vnets/{vnet}/subnets/{subnet}': sdnVnet,
  'DELETE /cluster/sdn/vnets/{vnet}/subnets/{subnet}': sdnVnet,
  'POST /nodes/{node}/qemu': createQemu,
  'POST /nodes/{node}/lxc': createLxc,
  'POST /nodes/{node}/vzdump': vzdump,
  'DELETE /nodes/{node}/storage/{storage}/prunebackups': prune,
  'DELETE /nodes/{node}/storage/{storage}/content/{volume}': deleteVolume,
  'PUT /nodes/{node}/storage/{storage}/content/{volume}': volumeAccess,
};

/** Run the operation's own checks; a reply when PVE answers without running the handler, else undefined. */
export function checkObjectPermissions(key: string, ctx: HandlerContext): { reply: unknown } | undefined {
  const check = Object.prototype.hasOwnProperty.call(OBJECT_CHECKS, key) ? OBJECT_CHECKS[key] : undefined;
  return check?.(ctx);
}

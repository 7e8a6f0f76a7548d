// Contract corpus: the permission checks of the write operations PVE 9.2 marks `permissions: {user: all}` (the
// handler checks for itself, per object), each allowed and refused, plus root-only operations and the order of
// checks. Callers: vic@pve (PVEVMAdmin on /vms/100 and on pool vicpool, PVEDatastoreUser on /storage/local,
// PVESDNAdmin on vnet1), nora@pve (no ACL), vic's privilege-separated token (no ACL of its own).
import { expect } from 'vitest';
import { type Auth, type ContractMock, type Source } from './client';
import { corpus, type Entry, must, taskEnd } from './corpus';

const nodes = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/API2/Nodes.pm', fn });
const bulk = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/API2/Cluster/BulkAction/Guest.pm', fn });
const replConfig = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/API2/ReplicationConfig.pm', fn });
const vnets = (fn: string): Source => ({ repo: 'pve-network', file: 'src/PVE/API2/Network/SDN/Vnets.pm', fn });
const vzdump: Source = { repo: 'pve-manager', file: 'PVE/API2/VZDump.pm', fn: 'vzdump' };
const content = (fn: string): Source => ({ repo: 'pve-storage', file: 'src/PVE/API2/Storage/Content.pm', fn });
const prune: Source = { repo: 'pve-storage', file: 'src/PVE/API2/Storage/PruneBackups.pm', fn: 'delete' };
const qemuCreate: Source = { repo: 'qemu-server', file: 'src/PVE/API2/Qemu.pm', fn: 'create_vm' };
const lxcCreate: Source = { repo: 'pve-container', file: 'src/PVE/API2/LXC.pm', fn: 'create_vm' };
const api2: Source = { repo: 'pve-access-control', file: 'src/PVE/RPCEnvironment.pm', fn: 'check_api2_permissions' };

const PASSWORD = 'perm-pass-1';
/** Volumes the setup creates, read when the entries run. */
const volumes = { backup100: '', backup101: '' };
/** Long tasks the setup starts: one of root's, one of vic's. */
const tasks = { root: '', vic: '' };
const taskPath = (upid: string) => `/nodes/pve/tasks/${encodeURIComponent(upid)}`;
const tasksSource: Source = { repo: 'pve-manager', file: 'PVE/API2/Tasks.pm', fn: 'stop_task' };
const ISO = 'local:iso/debian-13.1.0-amd64-netinst.iso';

async function backupOf(mock: ContractMock, vmid: string): Promise<string> {
  // vzdump backs up the guests of its own node (pve-manager VZDump.pm): ask the guest's node.
  const guests = (await must(mock, 'GET', '/cluster/resources', { type: 'vm' })).body?.data as Array<{ vmid: number; node: string }>;
  const node = guests.find((g) => String(g.vmid) === vmid)!.node;
  await taskEnd(mock, node, String((await must(mock, 'POST', `/nodes/${node}/vzdump`, { vmid, storage: 'local' })).body?.data));
  const list = (await must(mock, 'GET', `/nodes/${node}/storage/local/content`, { content: 'backup', vmid })).body?.data as Array<{ volid: string }>;
  return list[0].volid;
}

async function setup(mock: ContractMock): Promise<Record<string, Auth>> {
  for (const user of ['vic@pve', 'nora@pve']) await must(mock, 'POST', '/access/users', { userid: user, password: PASSWORD });
  await must(mock, 'POST', '/pools', { poolid: 'vicpool' });
  const grant = (path: string, roles: string) => must(mock, 'PUT', '/access/acl', { path, roles, users: 'vic@pve' });
  await grant('/vms/100', 'PVEVMAdmin');
  await grant('/pool/vicpool', 'PVEVMAdmin');
  await grant('/storage/local', 'PVEDatastoreUser');
  await grant('/sdn/zones/localnetwork/vnet1', 'PVESDNAdmin');
  volumes.backup100 = await backupOf(mock, '100');
  volumes.backup101 = await backupOf(mock, '101');
  const created = (await must(mock, 'POST', '/access/users/vic@pve/token/ps', { privsep: '1' })).body?.data as { 'full-tokenid': string; value: string };
  const rootToken = (await must(mock, 'POST', '/access/users/root@pam/token/perm', { privsep: '0' })).body?.data as { 'full-tokenid': string; value: string };
  const vic = await mock.login('vic@pve', PASSWORD);
  // The mock's own /mock/task starts a task of the caller's that runs until stopped.
  tasks.root = String((await must(mock, 'POST', '/mock/task', { duration: 600000 })).body?.data);
  tasks.vic = String((await must(mock, 'POST', '/mock/task', { duration: 600000 }, vic)).body?.data);
  return {
    vic,
    nora: await mock.login('nora@pve', PASSWORD),
    alice: await mock.login('alice@pve', 'pvecli-demo'),
    vicPrivsep: { token: `${created['full-tokenid']}=${created.value}` },
    rootToken: { token: `${rootToken['full-tokenid']}=${rootToken.value}` },
  };
}

const denied = (what?: string) => (what ? `Permission check failed (${what})` : 'Permission check failed');

/** One request by a caller: allowed (200) or refused with PVE's message. */
function by(as: string, behaviour: string, source: Source, method: string, path: string, params: Entry['params'], refused?: string): Entry {
  return { behaviour, source, method, path, params, as, status: refused === undefined ? 200 : 403, ...(refused === undefined ? {} : { reason: refused }) };
}

/** A node-wide bulk action: allowed for listed guests the caller has, refused for another guest and for all guests. */
function nodeBulk(action: string, priv: string, rootText: string, extra: Entry['params'] = {}): Entry[] {
  const path = `/nodes/pve/${action}`;
  const source = nodes(action);
  return [
    by('vic', `${action}: allowed with ${priv} on each listed guest`, source, 'POST', path, { vms: '100', ...extra }),
    by('vic', `${action}: refused for a listed guest without ${priv}`, source, 'POST', path, { vms: '100,101', ...extra }, denied(`/vms/101, ${priv}`)),
    by('vic', `${action}: without a guest list it needs ${rootText} on /`, source, 'POST', path, { ...extra }, denied(`/, ${rootText}`)),
  ];
}

function clusterBulk(action: string, priv: string, extra: Entry['params'] = {}): Entry[] {
  const path = `/cluster/bulk-action/guest/${action}`;
  const source = bulk(action);
  return [
    by('vic', `bulk ${action}: allowed with ${priv} on each listed guest`, source, 'POST', path, { vms: '100', ...extra }),
    by('vic', `bulk ${action}: refused for a listed guest without ${priv}`, source, 'POST', path, { vms: ['100', '101'], ...extra }, denied(`/vms/101, ${priv}`)),
    by('nora', `bulk ${action}: without a guest list it needs ${priv} on /`, source, 'POST', path, { ...extra }, denied(`/, ${priv}`)),
  ];
}

const REPL = { type: 'local', target: 'pve2' };

const entries: Entry[] = [
  ...nodeBulk('startall', 'VM.PowerMgmt', 'VM.PowerMgmt'),
  ...nodeBulk('stopall', 'VM.PowerMgmt', 'VM.PowerMgmt'),
  ...nodeBulk('suspendall', 'VM.PowerMgmt', 'VM.PowerMgmt && VM.Config.Disk'),
  ...nodeBulk('migrateall', 'VM.Migrate', 'VM.Migrate', { target: 'pve2' }),
  ...clusterBulk('start', 'VM.PowerMgmt'),
  ...clusterBulk('shutdown', 'VM.PowerMgmt'),
  ...clusterBulk('suspend', 'VM.PowerMgmt'),
  by('vic', 'bulk suspend to disk needs Datastore.AllocateSpace on the state storage', bulk('suspend'), 'POST', '/cluster/bulk-action/guest/suspend', { vms: '100', 'to-disk': '1', statestorage: 'local-lvm' }, denied('/storage/local-lvm, Datastore.AllocateSpace')),
  ...clusterBulk('migrate', 'VM.Migrate', { target: 'pve2' }),
  // Replication jobs: VM.Replicate on the guest the job id names.
  by('vic', 'a replication job of a guest with VM.Replicate', replConfig('create'), 'POST', '/cluster/replication', { id: '100-0', ...REPL }),
  by('vic', 'a replication job of a guest without VM.Replicate', replConfig('create'), 'POST', '/cluster/replication', { id: '101-0', ...REPL }, denied('/vms/101, VM.Replicate')),
  by('vic', 'updating a replication job of an allowed guest', replConfig('update'), 'PUT', '/cluster/replication/100-0', { comment: 'x' }),
  by('vic', 'updating a replication job of another guest', replConfig('update'), 'PUT', '/cluster/replication/101-0', { comment: 'x' }, denied('/vms/101, VM.Replicate')),
  by('vic', 'scheduling a replication job now', { repo: 'pve-manager', file: 'PVE/API2/Replication.pm', fn: 'schedule_now' }, 'POST', '/nodes/pve/replication/100-0/schedule_now', {}),
  by('vic', "scheduling another guest's replication job now", { repo: 'pve-manager', file: 'PVE/API2/Replication.pm', fn: 'schedule_now' }, 'POST', '/nodes/pve/replication/101-0/schedule_now', {}, denied('/vms/101, VM.Replicate')),
  by('vic', 'deleting a replication job of an allowed guest', replConfig('delete'), 'DELETE', '/cluster/replication/100-0', {}),
  by('nora', 'deleting a replication job without VM.Replicate', replConfig('delete'), 'DELETE', '/cluster/replication/100-0', {}, denied('/vms/100, VM.Replicate')),
  // SDN vnets: SDN.Allocate on the vnet in its zone.
  by('vic', 'updating a vnet with SDN.Allocate on it', vnets('update'), 'PUT', '/cluster/sdn/vnets/vnet1', { alias: 'x' }),
  by('vic', 'updating another vnet', vnets('update'), 'PUT', '/cluster/sdn/vnets/vnet2', { alias: 'x' }, denied('/sdn/zones/localnetwork/vnet2, SDN.Allocate')),
  by('vic', 'a subnet on an allowed vnet', { repo: 'pve-network', file: 'src/PVE/API2/Network/SDN/Subnets.pm', fn: 'create' }, 'POST', '/cluster/sdn/vnets/vnet1/subnets', { subnet: '10.0.0.0/24', type: 'subnet' }),
  by('nora', 'a subnet without SDN.Allocate', { repo: 'pve-network', file: 'src/PVE/API2/Network/SDN/Subnets.pm', fn: 'create' }, 'POST', '/cluster/sdn/vnets/vnet1/subnets', { subnet: '10.0.0.0/24', type: 'subnet' }, denied('/sdn/zones/localnetwork/vnet1, SDN.Allocate')),
  by('nora', 'a vnet firewall rule without SDN.Allocate', { repo: 'pve-firewall', file: 'src/PVE/API2/Firewall/Rules.pm', fn: 'create_rule' }, 'POST', '/cluster/sdn/vnets/vnet1/firewall/rules', { action: 'ACCEPT', type: 'in' }, denied('/sdn/zones/localnetwork/vnet1, SDN.Allocate')),
  // Creating guests: VM.Allocate on the guest or its pool, the pool must exist, disks need their storage.
  by('vic', 'creating a VM without VM.Allocate on it or a pool', qemuCreate, 'POST', '/nodes/pve/qemu', { vmid: '300' }, denied()),
  by('vic', 'creating a VM in a pool where the caller has VM.Allocate', qemuCreate, 'POST', '/nodes/pve/qemu', { vmid: '301', pool: 'vicpool' }),
  by('vic', 'creating a VM in a pool that does not exist', qemuCreate, 'POST', '/nodes/pve/qemu', { vmid: '302', pool: 'nopool' }, denied("pool 'nopool' does not exist")),
  by('vic', 'a new disk needs Datastore.AllocateSpace on its storage', qemuCreate, 'POST', '/nodes/pve/qemu', { vmid: '303', pool: 'vicpool', scsi0: 'local-lvm:4' }, denied('/storage/local-lvm, Datastore.AllocateSpace')),
  by('vic', 'a privileged container needs Sys.Modify on /', lxcCreate, 'POST', '/nodes/pve/lxc', { vmid: '310', pool: 'vicpool', ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst', unprivileged: '0' }, denied('/, Sys.Modify')),
  by('vic', 'an unprivileged container in an allowed pool', lxcCreate, 'POST', '/nodes/pve/lxc', { vmid: '311', pool: 'vicpool', ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst' }),
  by('nora', 'a container without VM.Allocate', lxcCreate, 'POST', '/nodes/pve/lxc', { vmid: '312', ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst' }, denied()),
  // Backups (vzdump).
  by('vic', 'a backup of an allowed guest to a storage with Datastore.AllocateSpace', vzdump, 'POST', '/nodes/pve/vzdump', { vmid: '100', storage: 'local' }),
  by('nora', 'a backup to a storage without Datastore.AllocateSpace', vzdump, 'POST', '/nodes/pve/vzdump', { vmid: '100', storage: 'local' }, denied('/storage/local, Datastore.AllocateSpace')),
  {
    behaviour: 'a backup of a guest without VM.Backup starts, and its task fails with the permission error',
    source: { repo: 'pve-manager', file: 'PVE/VZDump.pm', fn: 'exec_backup' },
    method: 'POST',
    path: '/nodes/pve/vzdump',
    params: { vmid: '101', storage: 'local' },
    as: 'vic',
    status: 200,
    check: async (reply, { mock }) => expect((await taskEnd(mock, 'pve', String(reply.body?.data))).exitstatus).toBe(denied('/vms/101, VM.Backup')),
  },
  {
    behaviour: 'only root@pam sets a backup dump directory',
    source: { repo: 'pve-manager', file: 'PVE/API2/Backup.pm', fn: 'assert_param_permission_common' },
    method: 'POST',
    path: '/nodes/pve/vzdump',
    params: { vmid: '100', storage: 'local', tmpdir: '/tmp' },
    as: 'vic',
    status: 400,
    errors: { tmpdir: 'Only root may set this option.' },
  },
  by('vic', 'stopping running backups needs Sys.Modify on the node', vzdump, 'POST', '/nodes/pve/vzdump', { vmid: '100', storage: 'local', stop: '1' }, denied('/nodes/pve, Sys.Modify')),
  // Storage: pruning and volumes.
  by('vic', "pruning one guest's backups with VM.Backup and Datastore.AllocateSpace", prune, 'DELETE', '/nodes/pve/storage/local/prunebackups', { vmid: '100' }),
  by('vic', "pruning another guest's backups", prune, 'DELETE', '/nodes/pve/storage/local/prunebackups', { vmid: '101' }, denied('/vms/101, VM.Backup')),
  by('vic', 'pruning the whole storage needs Datastore.Allocate', prune, 'DELETE', '/nodes/pve/storage/local/prunebackups', {}, denied('/storage/local, Datastore.Allocate')),
  {
    ...by('vic', "deleting a backup of another guest", content('delete'), 'DELETE', '', {}, denied('/vms/101, VM.Backup')),
    get path() {
      return `/nodes/pve/storage/local/content/${encodeURIComponent(volumes.backup101)}`;
    },
  },
  {
    ...by('vic', 'deleting a backup of an allowed guest', content('delete'), 'DELETE', '', {}),
    get path() {
      return `/nodes/pve/storage/local/content/${encodeURIComponent(volumes.backup100)}`;
    },
  },
  by('vic', 'deleting an ISO image needs Datastore.Allocate', content('delete'), 'DELETE', `/nodes/pve/storage/local/content/${encodeURIComponent(ISO)}`, {}, denied('/storage/local, Datastore.Allocate')),
  by('vic', "an ISO image's notes with read access to its storage", { repo: 'pve-storage', file: 'src/PVE/Storage.pm', fn: 'check_volume_access' }, 'PUT', `/nodes/pve/storage/local/content/${encodeURIComponent(ISO)}`, { notes: 'x' }),
  by('nora', "an ISO image's notes without access to its storage", { repo: 'pve-storage', file: 'src/PVE/Storage.pm', fn: 'check_volume_access' }, 'PUT', `/nodes/pve/storage/local/content/${encodeURIComponent(ISO)}`, { notes: 'x' }, denied('/storage/local, Datastore.AllocateSpace|Datastore.Audit')),
  // Stopping a task: its owner may, anyone else needs Sys.Modify on the node.
  {
    ...by('vic', "stopping another user's task needs Sys.Modify on the node", tasksSource, 'DELETE', '', {}, denied('/nodes/pve, Sys.Modify')),
    get path() {
      return taskPath(tasks.root);
    },
  },
  {
    ...by('vic', 'the owner stops their own task', tasksSource, 'DELETE', '', {}),
    get path() {
      return taskPath(tasks.vic);
    },
  },
  // Privilege-separated tokens: only what both the token and its user have.
  by('vicPrivsep', "a privilege-separated token without its own ACL has none of its user's privileges", nodes('startall'), 'POST', '/nodes/pve/startall', { vms: '100' }, denied('/vms/100, VM.PowerMgmt')),
  // Operations without permissions are root@pam's alone, and the schema's check comes before parameter validation.
  by('alice', 'an operation without permissions refuses an administrator', api2, 'POST', '/nodes/pve/execute', { commands: '[]' }, denied('user != root@pam')),
  by('rootToken', "an operation without permissions refuses even root's token", api2, 'POST', '/nodes/pve/execute', { commands: '[]' }, denied('user != root@pam')),
  by('nora', 'the permission check comes before parameter validation', { repo: 'pve-manager', file: 'PVE/HTTPServer.pm', fn: 'rest_handler' }, 'PUT', '/nodes/pve/qemu/100/config', { cores: 'abc' }, denied('/vms/100, VM.Config.Disk|VM.Config.CDROM|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.HWType|VM.Config.Options|VM.Config.Cloudinit')),
];

corpus('contract: permissions of the operations that check for themselves', entries, setup);

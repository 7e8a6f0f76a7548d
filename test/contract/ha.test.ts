// Contract corpus: high availability (pve-ha-manager PVE/API2/HA/*.pm) and what guests do when HA manages them
// (qemu-server/pve-container destroy_vm, vm_start), and backups (pve-manager PVE/API2/VZDump.pm, PVE/VZDump.pm).
import { expect } from 'vitest';
import type { Source } from './client';
import { type Entry, corpus, newCt, newVm, qm } from './stateful-corpus';

type Row = Record<string, unknown>;
const resources = (fn: string): Source => ({ repo: 'pve-ha-manager', file: 'src/PVE/API2/HA/Resources.pm', fn });
const rules = (fn: string): Source => ({ repo: 'pve-ha-manager', file: 'src/PVE/API2/HA/Rules.pm', fn });
const groups = (fn: string): Source => ({ repo: 'pve-ha-manager', file: 'src/PVE/API2/HA/Groups.pm', fn });
const vzdump = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/API2/VZDump.pm', fn });
const vzdumpLib = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/VZDump.pm', fn });
const addHa = (sid: string) => ({ method: 'POST' as const, path: '/cluster/ha/resources', params: { sid } });

const ha: Entry[] = [
  {
    name: 'an HA resource that is not configured is answered with no such resource, not made up',
    request: { method: 'GET', path: '/cluster/ha/resources/vm:123' },
    status: 500,
    message: "no such resource 'vm:123'",
    source: resources('read ($api_copy_config)'),
  },
  {
    name: 'a bare VMID of a guest that does not exist cannot be made a SID',
    request: { method: 'GET', path: '/cluster/ha/resources/999' },
    status: 500,
    message: 'unable to detect SID from VMID - VM/CT 999 does not exist',
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Config.pm', fn: 'parse_sid' },
  },
  {
    name: 'the resource list is empty until a resource is added',
    request: { method: 'GET', path: '/cluster/ha/resources' },
    status: 200,
    data: (d) => expect(d).toEqual([]),
    source: resources('index'),
  },
  {
    name: 'adding a resource answers null; it is listed with its type and a digest',
    setup: newVm(500),
    request: { method: 'POST', path: '/cluster/ha/resources', params: { sid: 'vm:500', comment: 'ha' } },
    status: 200,
    data: null,
    after: [
      {
        method: 'GET',
        path: '/cluster/ha/resources/vm:500',
        check: (d) => expect(d).toMatchObject({ sid: 'vm:500', type: 'vm', comment: 'ha', digest: expect.any(String) }),
      },
    ],
    source: resources('create'),
  },
  {
    name: 'a bare VMID is completed to the SID of its guest type',
    setup: newCt(501),
    request: { method: 'POST', path: '/cluster/ha/resources', params: { sid: '501' } },
    status: 200,
    after: [{ method: 'GET', path: '/cluster/ha/resources/ct:501', check: (d) => expect(d).toMatchObject({ sid: 'ct:501', type: 'ct' }) }],
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Config.pm', fn: 'parse_sid' },
  },
  {
    name: 'adding a resource twice is refused',
    setup: [...newVm(502), addHa('vm:502')],
    request: { method: 'POST', path: '/cluster/ha/resources', params: { sid: 'vm:502' } },
    status: 500,
    message: "create resource failed: resource ID 'vm:502' already defined",
    source: resources('create (lock_ha_domain)'),
  },
  {
    name: 'a resource for a guest that does not exist is refused',
    request: { method: 'POST', path: '/cluster/ha/resources', params: { sid: 'vm:998' } },
    status: 500,
    message: "resource 'vm:998' does not exist in cluster",
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Resources/PVEVM.pm', fn: 'exists' },
  },
  {
    name: 'a vm: resource for a container is refused',
    request: { method: 'POST', path: '/cluster/ha/resources', params: { sid: 'vm:110' } },
    status: 500,
    message: "resource 'vm:110' - guest with ID 110 is not a VM",
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Resources/PVEVM.pm', fn: 'exists' },
  },
  {
    name: 'a group on a resource is refused: groups have been migrated to rules',
    setup: newVm(503),
    request: { method: 'POST', path: '/cluster/ha/resources', params: { sid: 'vm:503', group: 'prefer' } },
    status: 500,
    message: "invalid parameter 'group': ha groups have been migrated to rules",
    source: resources('create'),
  },
  {
    name: 'updating a resource that is not configured is refused',
    request: { method: 'PUT', path: '/cluster/ha/resources/vm:123', params: { comment: 'x' } },
    status: 500,
    message: "update resources config failed: no such resource 'vm:123'",
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Config.pm', fn: 'update_resources_config' },
  },
  {
    name: 'updating a resource changes its requested state',
    setup: [...newVm(504), addHa('vm:504')],
    request: { method: 'PUT', path: '/cluster/ha/resources/vm:504', params: { state: 'stopped' } },
    status: 200,
    data: null,
    after: [{ method: 'GET', path: '/cluster/ha/resources/vm:504', check: (d) => expect((d as Row).state).toBe('stopped') }],
    source: resources('update'),
  },
  {
    name: 'deleting a resource that is not configured is refused',
    request: { method: 'DELETE', path: '/cluster/ha/resources/vm:123' },
    status: 500,
    message: "cannot delete service 'vm:123', not HA managed!",
    source: resources('delete'),
  },
  {
    name: 'migrating a resource that is not configured is refused',
    request: { method: 'POST', path: '/cluster/ha/resources/vm:123/migrate', params: { node: 'pve2' } },
    status: 500,
    message: "resource 'vm:123' is not HA managed",
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Config.pm', fn: 'service_is_ha_managed' },
  },
  {
    name: 'migrating a resource answers the SID and the requested node',
    setup: [...newVm(505), addHa('vm:505')],
    request: { method: 'POST', path: '/cluster/ha/resources/vm:505/migrate', params: { node: 'pve2' } },
    status: 200,
    data: (d) => expect(d).toEqual({ sid: 'vm:505', 'requested-node': 'pve2' }),
    source: resources('migrate'),
  },
  {
    name: 'HA groups are refused on a PVE 9 cluster: they have been migrated to rules',
    request: { method: 'GET', path: '/cluster/ha/groups' },
    status: 500,
    message: 'cannot index groups: ha groups have been migrated to rules',
    source: groups('index'),
  },
  {
    name: 'creating an HA group is refused likewise',
    request: { method: 'POST', path: '/cluster/ha/groups', params: { group: 'prefer', nodes: 'pve' } },
    status: 500,
    message: 'cannot create group: ha groups have been migrated to rules',
    source: groups('create'),
  },
  {
    name: 'an HA rule that does not exist is answered with no such ha rule',
    request: { method: 'GET', path: '/cluster/ha/rules/nope' },
    status: 500,
    message: "no such ha rule 'nope'",
    source: rules('read_rule ($get_api_ha_rule)'),
  },
  {
    name: 'a rule naming an unmanaged resource is refused',
    request: { method: 'POST', path: '/cluster/ha/rules', params: { rule: 'r1', type: 'node-affinity', resources: 'vm:100', nodes: 'pve' } },
    status: 500,
    message: 'create ha rule failed: cannot use unmanaged resource(s) vm:100.',
    source: rules('create_rule ($assert_valid_resources_param)'),
  },
  {
    name: 'a rule naming a node outside the cluster is refused',
    setup: [...newVm(506), addHa('vm:506')],
    request: { method: 'POST', path: '/cluster/ha/rules', params: { rule: 'r2', type: 'node-affinity', resources: 'vm:506', nodes: 'elsewhere' } },
    status: 500,
    message: 'create ha rule failed: cannot use non-existent node(s) elsewhere.',
    source: rules('create_rule ($assert_valid_nodes_param)'),
  },
  {
    name: 'a node-affinity rule is kept and read back with its defaults',
    setup: [...newVm(507), addHa('vm:507')],
    request: { method: 'POST', path: '/cluster/ha/rules', params: { rule: 'r3', type: 'node-affinity', resources: 'vm:507', nodes: 'pve2' } },
    status: 200,
    data: null,
    after: [
      {
        method: 'GET',
        path: '/cluster/ha/rules/r3',
        check: (d) => expect(d).toMatchObject({ rule: 'r3', type: 'node-affinity', resources: 'vm:507', nodes: 'pve2', strict: 0, disable: 0 }),
      },
    ],
    source: rules('create_rule, read_rule'),
  },
  {
    name: 'updating a rule that does not exist is refused',
    request: { method: 'PUT', path: '/cluster/ha/rules/nope', params: { comment: 'x', type: 'node-affinity' } },
    status: 500,
    message: "update HA rules failed: HA rule 'nope' does not exist",
    source: rules('update_rule'),
  },
  {
    name: 'deleting a rule that does not exist answers null',
    request: { method: 'DELETE', path: '/cluster/ha/rules/nope' },
    status: 200,
    data: null,
    source: rules('delete_rule'),
  },
  {
    name: 'HA status shows the quorum, and each configured resource as a service',
    setup: [...newVm(508), addHa('vm:508')],
    request: { method: 'GET', path: '/cluster/ha/status/current' },
    status: 200,
    data: (d) => {
      const rows = d as Row[];
      expect(rows[0]).toMatchObject({ id: 'quorum', type: 'quorum', quorate: 1, status: 'OK' });
      expect(rows.find((r) => r.id === 'service:vm:508')).toMatchObject({ type: 'service', sid: 'vm:508', node: 'pve', request_state: 'started' });
    },
    source: { repo: 'pve-ha-manager', file: 'src/PVE/API2/HA/Status.pm', fn: 'status' },
  },
  {
    name: "an HA-managed guest's status says it is managed, and in which state",
    setup: [...newCt(512), addHa('ct:512')],
    request: { method: 'GET', path: '/nodes/pve/lxc/512/status/current' },
    status: 200,
    data: (d) => expect((d as Row).ha).toEqual({ managed: 1, state: 'started' }),
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Config.pm', fn: 'get_service_status (from pve-container vm_status)' },
  },
  {
    name: 'a guest HA does not manage says managed 0',
    request: { method: 'GET', path: '/nodes/pve/qemu/100/status/current' },
    status: 200,
    data: (d) => expect((d as Row).ha).toEqual({ managed: 0 }),
    source: { repo: 'pve-ha-manager', file: 'src/PVE/HA/Config.pm', fn: 'get_service_status (from qemu-server vm_status)' },
  },
  {
    name: 'destroying an HA-managed VM without purge is refused',
    setup: [...newVm(509), addHa('vm:509')],
    request: { method: 'DELETE', path: '/nodes/pve/qemu/509' },
    status: 500,
    message: 'unable to remove VM 509 - used in HA resources and purge parameter not set.',
    source: qm('destroy_vm ($early_checks)'),
  },
  {
    name: 'destroying an HA-managed VM with purge removes its HA resource too',
    setup: [...newVm(510), addHa('vm:510')],
    request: { method: 'DELETE', path: '/nodes/pve/qemu/510', params: { purge: 1 } },
    status: 200,
    task: { exitstatus: 'OK' },
    after: [{ method: 'GET', path: '/cluster/ha/resources/vm:510', check: (_d, r) => expect(r.status).toBe(500) }],
    source: qm('destroy_vm'),
  },
  {
    name: 'starting an HA-managed VM is a request to the HA manager (hastart task)',
    setup: [...newVm(511), addHa('vm:511'), { method: 'PUT', path: '/cluster/ha/resources/vm:511', params: { state: 'stopped' } }],
    request: { method: 'POST', path: '/nodes/pve/qemu/511/status/start' },
    status: 200,
    task: { exitstatus: 'OK', type: 'hastart' },
    after: [{ method: 'GET', path: '/cluster/ha/resources/vm:511', check: (d) => expect((d as Row).state).toBe('started') }],
    source: qm('vm_start'),
  },
];

const backups: Entry[] = [
  {
    name: 'a backup of a guest on this node runs a vzdump task and leaves an archive',
    setup: newVm(520),
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { vmid: 520, storage: 'local' } },
    status: 200,
    task: { exitstatus: 'OK', type: 'vzdump' },
    after: [
      {
        method: 'GET',
        path: '/nodes/pve/storage/local/content',
        params: { content: 'backup', vmid: 520 },
        check: (d) => expect((d as Row[])[0]).toMatchObject({ content: 'backup', vmid: 520, volid: expect.stringMatching(/^local:backup\/vzdump-qemu-520-/) }),
      },
    ],
    source: vzdump('vzdump'),
  },
  {
    name: 'a backup of guests all on other nodes answers OK and runs nothing',
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { vmid: 101 } },
    status: 200,
    data: (d) => expect(d).toBe('OK'),
    source: vzdump('vzdump (silent exit if specified VMs run on other nodes)'),
  },
  {
    name: 'a backup with neither vmid nor all nor pool is a parameter error',
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { storage: 'local' } },
    status: 400,
    errors: { vmid: 'property is missing' },
    source: vzdumpLib('verify_vzdump_parameters'),
  },
  {
    name: 'all together with vmid is a parameter error',
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { all: 1, vmid: 100 } },
    status: 400,
    errors: { all: "option conflicts with option 'vmid'" },
    source: vzdumpLib('verify_vzdump_parameters'),
  },
  {
    name: 'a guest that does not exist fails in the job, which ends with job errors',
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { vmid: 997, storage: 'local' } },
    status: 200,
    data: 'upid',
    task: { exitstatus: 'job errors' },
    source: vzdumpLib("exec_backup (unable to find VM '997')"),
  },
  {
    name: 'a storage that does not exist fails the job in the worker',
    setup: newVm(521),
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { vmid: 521, storage: 'nope' } },
    status: 200,
    task: { exitstatus: "storage 'nope' does not exist" },
    source: vzdumpLib('new (get_storage_info)'),
  },
  {
    name: 'a storage without backup content fails the job',
    setup: newVm(522),
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { vmid: 522, storage: 'local-lvm' } },
    status: 200,
    task: { exitstatus: "can't use storage 'local-lvm' for backups - wrong content type" },
    source: vzdumpLib('get_storage_info'),
  },
  {
    name: 'a locked guest fails its backup and the job ends with job errors',
    setup: [...newVm(523, { running: true }), { method: 'POST', path: '/nodes/pve/qemu/523/status/suspend', params: { todisk: 1 } }],
    request: { method: 'POST', path: '/nodes/pve/vzdump', params: { vmid: 523, storage: 'local' } },
    status: 200,
    task: { exitstatus: 'job errors' },
    after: [
      {
        method: 'GET',
        path: '/nodes/pve/tasks',
        params: { vmid: 523, typefilter: 'vzdump' },
        check: (d) => expect((d as Row[]).length).toBe(1),
      },
    ],
    source: vzdumpLib('exec_backup (check_lock via the guest plugin)'),
  },
];

corpus('contract: HA resources, rules and groups (pve-ha-manager)', ha);
corpus('contract: backups (pve-manager vzdump)', backups);

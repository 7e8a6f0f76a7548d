// Contract corpus: storages, their content and status (pve-storage PVE/API2/Storage/*.pm), tasks
// (pve-manager PVE/API2/Tasks.pm), cluster resources and nextid (pve-manager PVE/API2/Cluster.pm).
import { expect } from 'vitest';
import type { Source } from './client';
import { type Entry, corpus, newVm } from './stateful-corpus';

type Row = Record<string, unknown>;
const content = (fn: string): Source => ({ repo: 'pve-storage', file: 'src/PVE/API2/Storage/Content.pm', fn });
const status = (fn: string): Source => ({ repo: 'pve-storage', file: 'src/PVE/API2/Storage/Status.pm', fn });
const tasks = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/API2/Tasks.pm', fn });
const cluster = (fn: string): Source => ({ repo: 'pve-manager', file: 'PVE/API2/Cluster.pm', fn });
const MISSING_UPID = 'UPID:pve:00001234:00ABCDEF:65000000:qmstart:100:root@pam:';

const storage: Entry[] = [
  {
    name: 'content of a storage that does not exist is refused',
    request: { method: 'GET', path: '/nodes/pve/storage/nope/content' },
    status: 500,
    message: "storage 'nope' does not exist",
    source: { repo: 'pve-storage', file: 'src/PVE/Storage.pm', fn: 'storage_config' },
  },
  {
    name: 'the config of a storage that does not exist is refused',
    request: { method: 'GET', path: '/storage/nope' },
    status: 500,
    message: "storage 'nope' does not exist",
    source: { repo: 'pve-storage', file: 'src/PVE/API2/Storage/Config.pm', fn: 'read' },
  },
  {
    name: 'the node storage list with a storage that does not exist is a parameter error',
    request: { method: 'GET', path: '/nodes/pve/storage', params: { storage: 'nope' } },
    status: 400,
    errors: { storage: 'No such storage.' },
    source: status('index'),
  },
  {
    name: 'content lists volumes filtered by content type',
    request: { method: 'GET', path: '/nodes/pve/storage/local/content', params: { content: 'iso' } },
    status: 200,
    data: (d) => {
      const rows = d as Row[];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r).toMatchObject({ content: 'iso', format: 'iso', volid: expect.stringMatching(/^local:iso\//) });
    },
    source: content('index'),
  },
  {
    name: "a storage's status has its sizes and is active",
    request: { method: 'GET', path: '/nodes/pve/storage/local-lvm/status' },
    status: 200,
    data: (d) => expect(d).toMatchObject({ type: 'lvmthin', active: 1, enabled: 1, total: expect.any(Number), used: expect.any(Number), avail: expect.any(Number) }),
    source: status('read_status'),
  },
  {
    name: 'allocating an image answers its volume id as a string',
    request: { method: 'POST', path: '/nodes/pve/storage/local-lvm/content', params: { vmid: 100, filename: 'vm-100-disk-7', size: '1G' } },
    status: 200,
    data: (d) => expect(d).toBe('local-lvm:vm-100-disk-7'),
    after: [
      {
        method: 'GET',
        path: '/nodes/pve/storage/local-lvm/content/vm-100-disk-7',
        check: (d) => expect(d).toMatchObject({ size: 1024 ** 3, format: 'raw' }),
      },
    ],
    source: content('create'),
  },
  {
    name: 'allocating on a storage that does not exist is refused',
    request: { method: 'POST', path: '/nodes/pve/storage/nope/content', params: { vmid: 100, filename: 'vm-100-disk-5', size: '1G' } },
    status: 500,
    message: "storage 'nope' does not exist",
    source: { repo: 'pve-storage', file: 'src/PVE/Storage.pm', fn: 'vdisk_alloc (storage_config)' },
  },
  {
    name: 'a file name whose extension contradicts the format is a parameter error',
    request: { method: 'POST', path: '/nodes/pve/storage/local-lvm/content', params: { vmid: 100, filename: 'vm-100-disk-8.raw', size: '1G', format: 'qcow2' } },
    status: 400,
    errors: { format: 'different storage formats (qcow2 != raw)' },
    source: content('create'),
  },
  {
    name: "an image name on LVM-thin must start with the guest's vm-VMID-",
    request: { method: 'POST', path: '/nodes/pve/storage/local-lvm/content', params: { vmid: 100, filename: 'vm-101-disk-8', size: '1G' } },
    status: 500,
    message: "illegal name 'vm-101-disk-8' - should be 'vm-100-*'",
    source: { repo: 'pve-storage', file: 'src/PVE/Storage/LvmThinPlugin.pm', fn: 'alloc_image' },
  },
  {
    name: 'a volume id naming another storage than the path is a parameter error',
    request: { method: 'GET', path: '/nodes/pve/storage/local/content/local-lvm:vm-100-disk-0' },
    status: 400,
    errors: { volume: 'storage ID mismatch (local-lvm != local)' },
    source: content('$real_volume_id'),
  },
  {
    name: 'deleting a volume runs an imgdel task named VMID@STORAGE and the volume is gone',
    setup: newVm(400),
    request: { method: 'DELETE', path: '/nodes/pve/storage/local-lvm/content/local-lvm:vm-400-disk-0' },
    status: 200,
    data: (d) => expect(String(d)).toMatch(/:imgdel:400@local-lvm:root@pam:$/),
    task: { exitstatus: 'OK', type: 'imgdel' },
    after: [
      {
        method: 'GET',
        path: '/nodes/pve/storage/local-lvm/content',
        params: { vmid: 400 },
        check: (d) => expect(d).toEqual([]),
      },
    ],
    source: content('delete'),
  },
  {
    name: 'deleting a volume that does not exist fails in the worker, not before',
    request: { method: 'DELETE', path: '/nodes/pve/storage/local-lvm/content/vm-999-disk-0' },
    status: 200,
    task: { exitstatus: "volume 'local-lvm:vm-999-disk-0' does not exist", type: 'imgdel' },
    source: content('delete (vdisk_free in the worker)'),
  },
];

const taskEntries: Entry[] = [
  {
    name: 'the status of a task that is not on the node is a parameter error',
    request: { method: 'GET', path: `/nodes/pve/tasks/${encodeURIComponent(MISSING_UPID)}/status` },
    status: 400,
    errors: { upid: 'no such task' },
    source: tasks('read_task_status'),
  },
  {
    name: 'a UPID that does not parse is a parameter error',
    request: { method: 'GET', path: '/nodes/pve/tasks/UPID:nonsense/status' },
    status: 400,
    errors: { upid: /./ },
    source: tasks('read_task_status'),
  },
  {
    name: 'the log of a task whose file does not exist is one line saying so',
    request: { method: 'GET', path: `/nodes/pve/tasks/${encodeURIComponent(MISSING_UPID)}/log` },
    status: 200,
    data: (d) => expect(d).toEqual([{ n: 1, t: 'unable to open file - No such file or directory' }]),
    source: { repo: 'pve-common', file: 'src/PVE/Tools.pm', fn: 'dump_logfile (from read_task_log)' },
  },
  {
    name: 'a log download together with start is refused',
    setup: newVm(410),
    request: { method: 'GET', path: `/nodes/pve/tasks/${encodeURIComponent(MISSING_UPID)}/log`, params: { download: 1, start: 0 } },
    status: 500,
    message: "'download' cannot be used together with 'start' or 'limit' parameters",
    source: tasks('read_task_log'),
  },
  {
    name: "a task's status has the decoded UPID fields and its exit status",
    setup: newVm(411),
    request: { method: 'GET', path: '/nodes/pve/tasks', params: { vmid: 411, typefilter: 'qmcreate' } },
    status: 200,
    data: (d) => expect((d as Row[])[0]).toMatchObject({ type: 'qmcreate', id: '411', user: 'root@pam', status: 'OK', node: 'pve' }),
    source: tasks('node_tasks'),
  },
  {
    name: 'the task list counts what matched in total',
    request: { method: 'GET', path: '/nodes/pve/tasks', params: { limit: 1 } },
    status: 200,
    data: (d) => expect((d as Row[]).length).toBeLessThanOrEqual(1),
    after: [
      { method: 'GET', path: '/nodes/pve/tasks', params: { limit: 1 }, check: (_d, r) => expect(typeof (r.body as Row).total).toBe('number') },
    ],
    source: tasks('node_tasks (set_result_attrib total)'),
  },
  {
    name: 'stopping a task that has ended answers null',
    setup: newVm(412),
    request: { method: 'GET', path: '/nodes/pve/tasks', params: { vmid: 412 } },
    status: 200,
    after: [],
    data: (d) => expect((d as Row[]).length).toBe(1),
    source: tasks('stop_task (check_worker of a finished task)'),
  },
];

const clusterEntries: Entry[] = [
  {
    name: 'nextid is the lowest free id from 100',
    request: { method: 'GET', path: '/cluster/nextid' },
    status: 200,
    data: (d) => expect(Number(d)).toBe(103),
    source: cluster('nextid'),
  },
  {
    name: 'nextid with a used id is a parameter error',
    request: { method: 'GET', path: '/cluster/nextid', params: { vmid: 100 } },
    status: 400,
    errors: { vmid: 'VM 100 already exists' },
    source: cluster('nextid'),
  },
  {
    name: 'nextid with a free id answers it',
    request: { method: 'GET', path: '/cluster/nextid', params: { vmid: 4242 } },
    status: 200,
    data: (d) => expect(Number(d)).toBe(4242),
    source: cluster('nextid'),
  },
  {
    name: 'cluster resources of type vm list each guest with its node and status',
    request: { method: 'GET', path: '/cluster/resources', params: { type: 'vm' } },
    status: 200,
    data: (d) => {
      const rows = d as Row[];
      expect(rows.find((r) => r.id === 'qemu/100')).toMatchObject({ type: 'qemu', node: 'pve', vmid: 100, status: 'running', template: 0 });
      expect(rows.find((r) => r.id === 'lxc/110')).toMatchObject({ type: 'lxc', node: 'pve', status: 'running' });
      expect(rows.every((r) => r.type === 'qemu' || r.type === 'lxc')).toBe(true);
    },
    source: cluster('resources'),
  },
  {
    name: 'cluster resources show a lock a running task holds',
    setup: [...newVm(420, { running: true }), { method: 'POST', path: '/nodes/pve/qemu/420/status/suspend', params: { todisk: 1 } }],
    request: { method: 'GET', path: '/cluster/resources', params: { type: 'vm' } },
    status: 200,
    data: (d) => expect((d as Row[]).find((r) => r.vmid === 420)).toMatchObject({ lock: 'suspended', status: 'stopped' }),
    source: cluster('resources (PVE::API2Tools::extract_vm_stats)'),
  },
  {
    name: 'cluster resources of type storage list each storage per node',
    request: { method: 'GET', path: '/cluster/resources', params: { type: 'storage' } },
    status: 200,
    data: (d) => expect((d as Row[]).find((r) => r.id === 'storage/pve/local')).toMatchObject({ storage: 'local', node: 'pve', plugintype: 'dir' }),
    source: cluster('resources'),
  },
];

corpus('contract: storage content and status (pve-storage)', storage);
corpus('contract: tasks (pve-manager)', taskEntries);
corpus('contract: cluster resources and nextid (pve-manager)', clusterEntries);

/**
 * The mock cluster's state: nodes, guests, storages, pools, users, tokens, realms, ACLs and tasks.
 * Plain JSON so it persists as one file; loaded from and written atomically to `stateFile` when one is given.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TaskEffects } from './effects';
import { createFileExclusive, removeAbandonedTempFiles, writeFileAtomic } from '../util/atomic-file';
import { MockStateFileError, parseState, readStateText } from './state-file';

export type GuestType = 'qemu' | 'lxc';
export type ConfigValue = string | number;

export interface Snapshot {
  name: string;
  description?: string;
  snaptime: number;
  parent?: string;
  vmstate?: number;
  config: Record<string, ConfigValue>;
}

export interface Guest {
  vmid: number;
  type: GuestType;
  node: string;
  status: 'running' | 'stopped' | 'paused';
  /** epoch seconds when it was started (uptime) */
  startedAt?: number;
  config: Record<string, ConfigValue>;
  snapshots: Record<string, Snapshot>;
}

export interface Volume {
  volid: string;
  content: string;
  format: string;
  size: number;
  vmid?: number;
  ctime: number;
  /** An uploaded file's digest as `ALGORITHM:HEX` (kept in the state, not listed: PVE lists no checksum). */
  checksum?: string;
}

export interface Storage {
  storage: string;
  type: string;
  content: string;
  shared: number;
  path?: string;
  /** Local storages keep volumes per node; shared ones under the key '*'. */
  volumes: Record<string, Volume[]>;
  total: number;
}

export interface Token {
  secret: string;
  privsep: number;
  expire: number;
  comment?: string;
}

export interface User {
  userid: string;
  enable: number;
  expire: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  comment?: string;
  groups: string[];
  password?: string;
  /** base32 TOTP secret: the user has a second factor */
  totp?: string;
  tokens: Record<string, Token>;
}

export interface AclEntry {
  path: string;
  ugid: string;
  type: 'user' | 'group' | 'token';
  roleid: string;
  propagate: number;
}

export interface Pool {
  poolid: string;
  comment?: string;
  /** 'qemu/100', 'lxc/110', 'storage/local' */
  members: string[];
}

export interface TaskRecord {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  pid: number;
  pstart: number;
  starttime: number;
  /** ms since epoch when it stops */
  endsAt: number;
  /** 'OK', 'WARNINGS: n' or an error message */
  exitstatus: string;
  /** The log before its final `TASK ...` line, which follows from `exitstatus`; `logLines` longer logs are generated on demand. */
  log: string[];
  logLines?: number;
  /** Set when the task was stopped: how many log lines it had written by then. */
  cut?: number;
  /** What the task still has to change in the state, until it ends or is stopped. */
  effects?: TaskEffects;
}

/** An authentication realm as domains.cfg keeps it: its type and the options its plugin allows. */
export type Realm = { type: string } & Record<string, ConfigValue>;

export interface Group {
  groupid: string;
  comment?: string;
}

/** HA resources (`vm:100`) and rules by id, as resources.cfg and rules.cfg keep them (absent until first used). */
export interface HaConfig {
  resources: Record<string, Record<string, ConfigValue>>;
  rules: Record<string, Record<string, ConfigValue>>;
}

export interface MockStateData {
  version: 1;
  /** HMAC key for tickets and CSRF tokens: tickets survive a restart of the same state. */
  secret: string;
  clusterName: string;
  nodes: string[];
  guests: Record<string, Guest>;
  storages: Record<string, Storage>;
  pools: Record<string, Pool>;
  users: Record<string, User>;
  groups: Record<string, Group>;
  realms: Record<string, Realm>;
  acl: AclEntry[];
  tasks: TaskRecord[];
  nextPid: number;
  ha?: HaConfig;
}

/** Demo password for root@pam and the seeded users unless `--password` says otherwise. */
export const DEMO_PASSWORD = 'pvecli-demo';
/** TOTP secret (base32) of the seeded TFA user `tfa@pve`; tests compute codes from it. */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const TFA_USER = 'tfa@pve';
/** The token the embedded mock hands to the CLI (full privileges, no privilege separation). */
export const EMBEDDED_TOKEN = { userid: 'root@pam', name: 'pvecli' };

const MAX_TASKS = 500;
const GiB = 1024 ** 3;

export function seedState(password = DEMO_PASSWORD): MockStateData {
  const now = Math.floor(Date.now() / 1000);
  const qemu = (vmid: number, node: string, name: string, running: boolean, memory: number, cores: number): Guest => ({
    vmid,
    type: 'qemu',
    node,
    status: running ? 'running' : 'stopped',
    startedAt: running ? now - 3600 * (vmid - 99) : undefined,
    config: {
      name,
      memory: String(memory),
      cores,
      sockets: 1,
      cpu: 'x86-64-v2-AES',
      ostype: 'l26',
      scsihw: 'virtio-scsi-single',
      scsi0: `local-lvm:vm-${vmid}-disk-0,iothread=1,size=32G`,
      net0: `virtio=BC:24:11:00:${vmid.toString(16).padStart(2, '0').slice(-2).toUpperCase()}:01,bridge=vmbr0,firewall=1`,
      boot: 'order=scsi0;net0',
      meta: `creation-qemu=9.2.0,ctime=${now - 86400}`,
      smbios1: `uuid=${uuidFor(vmid)}`,
      vmgenid: uuidFor(vmid + 1000),
    },
    snapshots: {},
  });
  const lxc = (vmid: number, node: string, hostname: string, running: boolean): Guest => ({
    vmid,
    type: 'lxc',
    node,
    status: running ? 'running' : 'stopped',
    startedAt: running ? now - 7200 : undefined,
    config: {
      hostname,
      arch: 'amd64',
      ostype: 'debian',
      memory: 512,
      swap: 512,
      cores: 1,
      rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
      net0: `name=eth0,bridge=vmbr0,hwaddr=BC:24:11:01:${vmid.toString(16).slice(-2).toUpperCase()}:01,ip=dhcp,type=veth`,
      unprivileged: 1,
    },
    snapshots: {},
  });
  const guests = [
    qemu(100, 'pve', 'web01', true, 2048, 2),
    qemu(101, 'pve2', 'db01', false, 4096, 4),
    qemu(102, 'pve3', 'win11', false, 8192, 4),
    lxc(110, 'pve', 'dns01', true),
    lxc(111, 'pve2', 'proxy01', false),
  ];
  const data: MockStateData = {
    version: 1,
    secret: randomBytes(32).toString('hex'),
    clusterName: 'demo',
    nodes: ['pve', 'pve2', 'pve3'],
    guests: Object.fromEntries(guests.map((g) => [String(g.vmid), g])),
    storages: {
      local: {
        storage: 'local',
        type: 'dir',
        content: 'backup,iso,snippets,vztmpl',
        shared: 0,
        path: '/var/lib/vz',
        total: 100 * GiB,
        volumes: {},
      },
      'local-lvm': { storage: 'local-lvm', type: 'lvmthin', content: 'images,rootdir', shared: 0, total: 400 * GiB, volumes: {} },
      'nfs-backup': {
        storage: 'nfs-backup',
        type: 'nfs',
        content: 'backup',
        shared: 1,
        path: '/mnt/pve/nfs-backup',
        total: 2000 * GiB,
        volumes: { '*': [] },
      },
    },
    pools: { prod: { poolid: 'prod', comment: 'Production guests', members: ['qemu/100', 'qemu/101'] } },
    users: {
      'root@pam': user('root@pam', { password, email: 'root@example.com', firstname: 'Root', comment: 'Superuser' }),
      'alice@pve': user('alice@pve', { password, groups: ['admins'], firstname: 'Alice', email: 'alice@example.com' }),
      'auditor@pve': user('auditor@pve', { password, groups: ['auditors'], comment: 'Read-only' }),
      [TFA_USER]: user(TFA_USER, { password, totp: DEMO_TOTP_SECRET, comment: 'TOTP second factor (demo secret)' }),
    },
    groups: { admins: { groupid: 'admins', comment: 'Administrators' }, auditors: { groupid: 'auditors', comment: 'Auditors' } },
    realms: { pam: { type: 'pam', comment: 'Linux PAM standard authentication' }, pve: { type: 'pve', comment: 'Proxmox VE authentication server' } },
    acl: [
      { path: '/', ugid: 'admins', type: 'group', roleid: 'Administrator', propagate: 1 },
      { path: '/', ugid: 'auditors', type: 'group', roleid: 'PVEAuditor', propagate: 1 },
      { path: '/', ugid: TFA_USER, type: 'user', roleid: 'PVEVMAdmin', propagate: 1 },
    ],
    tasks: [],
    nextPid: 0x1000,
  };
  data.users['root@pam'].tokens[EMBEDDED_TOKEN.name] = { secret: randomUUID(), privsep: 0, expire: 0, comment: 'pvecli embedded mock' };
  for (const node of data.nodes) {
    data.storages.local.volumes[node] = [
      { volid: 'local:iso/debian-13.1.0-amd64-netinst.iso', content: 'iso', format: 'iso', size: 754974720, ctime: now - 86400 * 30 },
      {
        volid: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst',
        content: 'vztmpl',
        format: 'tzst',
        size: 132120576,
        ctime: now - 86400 * 20,
      },
    ];
    data.storages['local-lvm'].volumes[node] = [];
  }
  for (const g of guests) data.storages['local-lvm'].volumes[g.node].push(diskVolume('local-lvm', g.vmid, 0, g.type === 'qemu' ? 32 : 8));
  return data;
}

/** The volumes of a storage on a node: local storages keep a list per node, shared ones one list. */
export function volumesOf(s: Storage, node: string): Volume[] {
  return (s.volumes[s.shared ? '*' : node] ??= []);
}

function user(userid: string, extra: Partial<User>): User {
  return { userid, enable: 1, expire: 0, groups: [], tokens: {}, ...extra };
}

export function diskVolume(storage: string, vmid: number, index: number, sizeGiB: number): Volume {
  return {
    volid: `${storage}:vm-${vmid}-disk-${index}`,
    content: 'images',
    format: 'raw',
    size: sizeGiB * GiB,
    vmid,
    ctime: Math.floor(Date.now() / 1000),
  };
}

function uuidFor(n: number): string {
  const h = createHash('sha1').update(`pvecli-mock-${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fileVersion(file: string): string {
  const st = statSync(file);
  return `${st.ino}:${st.mtimeMs}:${st.size}`;
}

/** A dictionary without Object.prototype: ids such as 'constructor' must not find inherited members. */
export function dict<T>(entries: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

/** A final task log line, which states written before it followed from the exit status still keep in the log. */
const FINAL_LINE = /^TASK (OK|WARNINGS: \d+|ERROR: .*)$/;

/**
 * Make every id-keyed map of loaded or seeded state a prototype-less dictionary, and bring states of older
 * versions of the mock up to date (no realms yet, final lines in task logs).
 */
function normalise(data: MockStateData): MockStateData {
  data.guests = dict(data.guests);
  data.storages = dict(data.storages);
  data.pools = dict(data.pools);
  data.groups = dict(data.groups);
  data.users = dict(data.users);
  data.realms = dict(data.realms ?? {});
  for (const u of Object.values(data.users)) u.tokens = dict(u.tokens);
  if (data.ha) data.ha = { resources: dict(data.ha.resources), rules: dict(data.ha.rules) };
  for (const t of data.tasks) if (t.log.some((l) => FINAL_LINE.test(l))) t.log = t.log.filter((l) => !FINAL_LINE.test(l));
  return data;
}

/** The state plus persistence: reload when another process changed the file, save after each change. */
export class MockState {
  data: MockStateData;
  /** Identity of the file version in memory: every save renames a new file in, so the inode changes too. */
  private version = '';

  constructor(
    private readonly file: string | undefined,
    password?: string,
  ) {
    // A mock killed mid-save leaves its temp file behind, and a state holds token secrets: clear those on start.
    if (file) removeAbandonedTempFiles(file);
    const loaded = file ? this.readFile() : undefined;
    this.data = loaded ?? normalise(seedState(password));
    if (file && !loaded) {
      // Parallel first runs (concurrent CLI calls) must agree on one seed and so on one token secret: the first
      // to create the file wins, the others adopt what it wrote.
      let created: boolean;
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        created = createFileExclusive(file, JSON.stringify(this.data));
      } catch (e) {
        throw new MockStateFileError(file, `cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (created) this.version = fileVersion(file);
      else this.data = this.readFile() ?? this.data;
    }
    if (password && this.data.users['root@pam']) this.data.users['root@pam'].password = password;
  }

  /** The state in the file, undefined when there is none yet; a file that is not a mock state is an error, never replaced. */
  private readFile(): MockStateData | undefined {
    if (!this.file || !existsSync(this.file)) return undefined;
    let version: string;
    let text: string;
    try {
      // Version first: if the file is replaced while we read, the next refresh reads it again.
      version = fileVersion(this.file);
      text = readStateText(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // removed meanwhile (mock reset)
      throw e;
    }
    const parsed = parseState(this.file, text);
    this.version = version;
    return normalise(parsed);
  }

  /** Pick up changes another process (another embedded mock) wrote since we last read or wrote. */
  refresh(): void {
    if (!this.file) return;
    let current: string;
    try {
      current = fileVersion(this.file);
    } catch {
      return; // file removed (mock reset): keep the memory copy
    }
    if (current !== this.version) this.data = this.readFile() ?? this.data;
  }

  save(): void {
    let excess = this.data.tasks.length - MAX_TASKS;
    if (excess > 0) {
      // The oldest go first, but never a task whose effects are still to come.
      this.data.tasks = this.data.tasks.filter((t) => t.effects !== undefined || excess-- <= 0);
    }
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, JSON.stringify(this.data));
    this.version = fileVersion(this.file);
  }

  guest(vmid: number | string): Guest | undefined {
    return this.data.guests[String(vmid)];
  }
}

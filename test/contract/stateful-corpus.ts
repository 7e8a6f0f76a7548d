/**
 * The contract corpus runner: each entry is one behaviour of Proxmox VE, read from its source, and runs as one
 * test against `mock serve` over HTTPS with the plain client (form bodies as proxmoxer sends them). An entry's
 * setup is explicit: the calls that bring the mock into the state the behaviour needs, each task run to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Auth, type ContractMock, type Params, type Reply, type Source, startContractMock } from './client';
import { expectMatch, must as mustReply, taskEnd } from './corpus';

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  params?: Params;
}

export interface Entry {
  /** The behaviour, as the test's name. */
  name: string;
  /** Calls made first; each must answer 200, and a task it starts is run to its end. */
  setup?: Call[];
  request: Call;
  /** Who sends the request (root@pam's ticket when absent). */
  auth?: (mock: ContractMock) => Promise<Auth>;
  status: number;
  /** The error message Proxmox sends (the body's `message` without its newline, and the reason phrase). */
  message?: string | RegExp;
  /** Per-parameter errors of a 400. */
  errors?: Record<string, string | RegExp>;
  /** What `data` is: a UPID, null, or a check of its value. */
  data?: 'upid' | null | ((data: unknown) => void);
  /** For a UPID: how the task ends. */
  task?: { exitstatus: string | RegExp; type?: string };
  /** Calls whose answers show the state the request left, each with a check of its data. */
  after?: Array<Call & { check: (data: unknown, reply: Reply) => void }>;
  source: Source;
}

const UPID = /^UPID:[^:]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[^:]+:[^:]*:[^:]+:$/;

/** Wait for a task's end (on the node its UPID names) and return its status. */
export function finish(mock: ContractMock, upid: string): ReturnType<typeof taskEnd> {
  return taskEnd(mock, upid.split(':')[1], upid);
}

/** Run a call that must succeed; its task, if any, to its end. */
export async function must(mock: ContractMock, c: Call): Promise<unknown> {
  const data = (await mustReply(mock, c.method, c.path, c.params)).body?.data;
  if (typeof data === 'string' && UPID.test(data)) await finish(mock, data);
  return data;
}

/** How many tasks the cluster has logged (root sees all). */
async function taskCount(mock: ContractMock): Promise<number> {
  return ((await mock.call('GET', '/cluster/tasks')).body?.data as unknown[]).length;
}

async function runEntry(mock: ContractMock, e: Entry): Promise<void> {
  for (const c of e.setup ?? []) await must(mock, c);
  const auth = e.auth ? await e.auth(mock) : mock.root;
  const tasksBefore = await taskCount(mock);
  const r = await mock.call(e.request.method, e.request.path, e.request.params ?? {}, auth);
  expect(r.status, `${r.status} ${r.reason}`).toBe(e.status);
  // A refused call starts no task: Proxmox dies before fork_worker.
  if (e.status !== 200) expect(await taskCount(mock), 'tasks started by a refused call').toBe(tasksBefore);
  if (e.message !== undefined) {
    expect(r.body?.data).toBeNull();
    expectMatch(r.body?.message?.replace(/\n$/, ''), e.message);
    expect(r.body?.message?.endsWith('\n')).toBe(true);
    expectMatch(r.reason, e.message);
  }
  if (e.errors) {
    for (const [k, v] of Object.entries(e.errors)) expectMatch(r.body?.errors?.[k], v);
  }
  const data = r.body?.data;
  if (e.data === 'upid') expect(String(data)).toMatch(UPID);
  else if (e.data === null) expect(data).toBeNull();
  else if (typeof e.data === 'function') e.data(data);
  if (e.task) {
    expect(typeof data, 'a task was expected').toBe('string');
    const st = await finish(mock, String(data));
    expectMatch(String(st.exitstatus), e.task.exitstatus);
    if (e.task.type) expect(st.type).toBe(e.task.type);
  }
  for (const a of e.after ?? []) {
    const reply = await mock.call(a.method, a.path, a.params ?? {});
    a.check(reply.body?.data, reply);
  }
}

/** One `describe` per corpus file: a fresh mock, one `it` per entry. */
export function corpus(title: string, entries: Entry[]): void {
  describe(title, () => {
    let mock: ContractMock;
    beforeAll(async () => {
      mock = await startContractMock({ taskDuration: 20 });
    });
    afterAll(() => mock.close());
    for (const e of entries) it(e.name, () => runEntry(mock, e));
  });
}

/** Setup calls for a new VM (`opts.running` starts it). */
export function newVm(vmid: number, opts: { node?: string; running?: boolean; name?: string; disk?: boolean } = {}): Call[] {
  const node = opts.node ?? 'pve';
  const calls: Call[] = [
    { method: 'POST', path: `/nodes/${node}/qemu`, params: { vmid, name: opts.name ?? `vm${vmid}`, ...(opts.disk === false ? {} : { scsi0: 'local-lvm:1' }) } },
  ];
  if (opts.running) calls.push({ method: 'POST', path: `/nodes/${node}/qemu/${vmid}/status/start` });
  return calls;
}

/** Setup calls for a new container (`opts.running` starts it). */
export function newCt(vmid: number, opts: { node?: string; running?: boolean } = {}): Call[] {
  const node = opts.node ?? 'pve';
  const calls: Call[] = [
    { method: 'POST', path: `/nodes/${node}/lxc`, params: { vmid, hostname: `ct${vmid}`, ostemplate: 'local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst' } },
  ];
  if (opts.running) calls.push({ method: 'POST', path: `/nodes/${node}/lxc/${vmid}/status/start` });
  return calls;
}

export const qm = (fn: string): Source => ({ repo: 'qemu-server', file: 'src/PVE/API2/Qemu.pm', fn });
export const pct = (fn: string, file = 'src/PVE/API2/LXC.pm'): Source => ({ repo: 'pve-container', file, fn });
export const pctStatus = (fn: string): Source => pct(fn, 'src/PVE/API2/LXC/Status.pm');
export const pctSnap = (fn: string): Source => pct(fn, 'src/PVE/API2/LXC/Snapshot.pm');

/**
 * The contract corpus's shape: one entry per behaviour of real Proxmox VE, with the request, what PVE answers and
 * where that was read. `corpus(...)` turns a list of entries into one `it` per entry, named after the behaviour,
 * run in order against one mock (later entries may rely on what earlier ones changed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Auth, type ContractMock, type Params, type Reply, type Source, startContractMock } from './client';

export interface Entry {
  /** What PVE does, as the test's name. */
  behaviour: string;
  source: Source;
  method: string;
  path: string;
  params?: Params;
  /** Who calls: a name from the corpus's callers; root@pam's ticket when left out, `anonymous` for none. */
  as?: string;
  status: number;
  /** The reason phrase (PVE's message), exactly or matched. */
  reason?: string | RegExp;
  /** Per-parameter errors of a 400, each exactly or matched; no other parameter may have one. */
  errors?: Record<string, string | RegExp>;
  /** More checks on the reply (its data), or follow-up requests. */
  check?: (reply: Reply, ctx: CorpusContext) => Promise<void> | void;
}

export interface CorpusContext {
  mock: ContractMock;
  callers: Record<string, Auth>;
}

/** Prepare the mock (users, ACLs) and name the callers entries use. */
export type Setup = (mock: ContractMock) => Promise<Record<string, Auth>>;

/** A message exactly, or matched; an absent one fails either way. */
export function expectMatch(actual: unknown, expected: string | RegExp): void {
  if (typeof expected === 'string') expect(actual).toBe(expected);
  else expect(actual).toMatch(expected);
}

async function run(entry: Entry, ctx: CorpusContext): Promise<void> {
  const auth = entry.as === undefined ? ctx.mock.root : entry.as === 'anonymous' ? null : ctx.callers[entry.as];
  if (auth === undefined) throw new Error(`unknown caller '${entry.as}'`);
  const reply = await ctx.mock.call(entry.method, entry.path, entry.params ?? {}, auth);
  expect([reply.status, reply.reason], reply.text).toEqual([entry.status, entry.reason === undefined || entry.reason instanceof RegExp ? reply.reason : entry.reason]);
  if (entry.reason instanceof RegExp) expect(reply.reason).toMatch(entry.reason);
  if (entry.status >= 400) {
    // pve-http-server Formatter/Standard.pm prepare_response_data: data null, the message, errors when any.
    expect(reply.body?.data).toBeNull();
    expect(reply.body?.message).toBe(`${reply.reason}\n`);
  }
  if (entry.errors) {
    expect(reply.reason).toBe('Parameter verification failed.');
    expect(Object.keys(reply.body?.errors ?? {}).sort()).toEqual(Object.keys(entry.errors).sort());
    const errors = reply.body?.errors ?? {};
    for (const [name, message] of Object.entries(entry.errors)) expectMatch(Object.prototype.hasOwnProperty.call(errors, name) ? errors[name] : undefined, message);
  }
  await entry.check?.(reply, ctx);
}

/** One describe block with an `it` per entry. */
export function corpus(title: string, entries: Entry[], setup?: Setup): void {
  describe(title, () => {
    const ctx = {} as CorpusContext;
    beforeAll(async () => {
      ctx.mock = await startContractMock();
      ctx.callers = setup ? await setup(ctx.mock) : {};
    });
    afterAll(() => ctx.mock?.close());
    for (const entry of entries) it(entry.behaviour, () => run(entry, ctx));
  });
}

/** A call that must succeed (corpus setup). */
export async function must(mock: ContractMock, method: string, path: string, params: Params = {}, auth?: Auth): Promise<Reply> {
  const reply = await mock.call(method, path, params, auth);
  if (reply.status !== 200) throw new Error(`setup ${method} ${path}: ${reply.status} ${reply.reason}`);
  return reply;
}

/** A task's final status, polled until it stops. */
export async function taskEnd(mock: ContractMock, node: string, upid: string): Promise<{ status: string; exitstatus?: string; type?: string }> {
  for (;;) {
    const status = (await must(mock, 'GET', `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`)).body?.data as { status: string; exitstatus?: string; type?: string };
    if (status.status !== 'running') return status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

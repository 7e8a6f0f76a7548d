/**
 * One request through the mock, in pve-http-server's and RESTHandler's order: resolve the path with the schema,
 * authenticate, check the schema's permissions, validate the parameters as PVE's JSONSchema does, check that named
 * objects exist, run the checks PVE's handler makes itself (`user: all` operations, `delete`/`revert` lists), then
 * run the hand-written handler or generate the reply from the return schema.
 */
import type { Schema } from '../schema/load';
import type { HttpMethod, Operation } from '../schema/types';
import { MockError, badParams } from './mock-error';
import { evaluateCheck } from './acl';
import { type Identity, identify, requireIdentity } from './auth';
import { conform } from './conform';
import { generateReply } from './generate';
import { MockFile } from './file-reply';
import { checkObjectsExist } from './guards';
import { HANDLERS } from './handlers';
import type { MockProduct } from './product';
import type { HandlerContext } from './handlers/context';
import { rngFor } from './random';
import type { MockState } from './state';
import type { Tasks } from './tasks';
import { validateRequest } from './validate';
import { checkObjectPermissions, permissionDenied } from './object-permissions';
import { configListErrors } from './pve-params';

export interface MockReply {
  status: number;
  message: string;
  body: Record<string, unknown> | null;
  /** A file reply's bytes, sent as they are with `headers`. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

type Headers = Record<string, string | string[] | undefined>;

export interface RouterDeps {
  schema: Schema;
  /** What differs for PBS, PMG and PDM (product.ts). */
  product: MockProduct;
  state: MockState;
  tasks: Tasks;
  seed: number;
  /** The persisted state file, shared with other processes: writes then run under its lock. */
  stateFile?: string;
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** `/mock/task`: a mock-only endpoint (not in the schema) that starts a task with a chosen outcome, for tests. */
function mockTask(deps: RouterDeps, id: Identity, args: Record<string, unknown>): unknown {
  const result = String(args.result ?? 'ok');
  const lines = args.lines === undefined ? undefined : Math.max(2, Number(args.lines));
  const exitstatus =
    result === 'error' ? String(args.message ?? 'mock task failed') : result === 'warnings' ? `WARNINGS: ${Number(args.warnings ?? 2)}` : 'OK';
  const upid = deps.tasks.start({
    node: String(args.node ?? deps.state.data.nodes[0]),
    type: String(args.type ?? 'mocktask'),
    id: String(args.id ?? ''),
    user: id.tokenid ?? id.userid,
    exitstatus,
    logLines: lines,
    durationMs: args.duration === undefined ? undefined : Number(args.duration),
  });
  deps.state.save();
  return upid;
}

/** Routes of the mock's own, outside the schema, keyed by `METHOD /path`. */
const MOCK_ROUTES: Record<string, (deps: RouterDeps, method: string, args: Record<string, unknown>, headers: Headers) => unknown> = {
  'POST /mock/task': (deps, method, args, headers) => mockTask(deps, requireIdentity(identify(deps.state, method, headers, deps.product.auth)), args),
};

/**
 * A directory index (`GET /nodes/{node}`, `GET /cluster`, ...): the schema's own child paths, named by the
 * return schema's link (`{"href": "{subdir}"}`), instead of made-up names.
 */
function directoryIndex(schema: Schema, template: string, returns: Operation['returns']): unknown[] | undefined {
  if (returns?.type !== 'array' || !Array.isArray(returns.links)) return undefined;
  const href = /^\{([^}]+)\}$/.exec(String((returns.links as Array<{ href?: string }>)[0]?.href ?? ''));
  if (!href) return undefined;
  const names = schema.children(template).map((c) => c.slice(c.lastIndexOf('/') + 1));
  if (names.length === 0 || names.some((n) => n.startsWith('{'))) return undefined;
  return names.map((n) => ({ [href[1]]: n }));
}

/** A MockError becomes Proxmox's error reply; anything else is a bug, left to the server to answer (500) and log. */
export function route(deps: RouterDeps, method: string, path: string, args: Record<string, unknown>, headers: Headers): MockReply {
  try {
    const body = dispatch(deps, method, path, args, headers);
    if (body instanceof MockFile) return { status: 200, message: 'OK', body: null, raw: body.data, headers: body.headers() };
    return { status: 200, message: 'OK', body };
  } catch (e) {
    if (!(e instanceof MockError)) throw e;
    const body: Record<string, unknown> = { data: null, message: `${e.message}\n` };
    if (e.errors) body.errors = e.errors;
    return { status: e.status, message: e.message, body };
  }
}

/** One request to an operation of the schema, as the steps below take it. */
interface Call {
  method: string;
  resolved: Resolved;
  op: Operation;
  id: Identity;
  /** The parameters as sent, path parameters included. */
  wire: Record<string, unknown>;
  /** Set when the request changed the state (it is then saved). */
  changed: boolean;
}

type Resolved = NonNullable<ReturnType<Schema['tryResolve']>>;

function operationFor(schema: Schema, method: string, path: string): { resolved: Resolved; op: Operation } {
  const resolved = schema.tryResolve(path);
  if (!resolved) throw new MockError(404, `No such handler for '${method} ${path}'`);
  const op = KNOWN_METHODS.has(method) ? schema.operation(resolved.template, method as HttpMethod) : undefined;
  if (!op) throw new MockError(501, `Method '${method} ${path}' not implemented`);
  return { resolved, op };
}

/** The parameters checked against the schema: path parameters join them, except those the schema does not declare (e.g. url_seq). */
function validated(op: Operation, resolved: Resolved, args: Record<string, unknown>): void {
  const declared = op.parameters.properties ?? {};
  const checked: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, args);
  for (const [k, v] of Object.entries(resolved.params)) if (Object.prototype.hasOwnProperty.call(declared, k)) checked[k] = v;
  const errors = validateRequest(op, checked);
  if (Object.keys(errors).length > 0) throw badParams(errors);
}

/** pve-manager PVE/HTTPServer.pm rest_handler: a parameter also in the path must have the path's value. */
function conflictingPathParams(resolved: Resolved, args: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(resolved.params)) {
    if (Object.prototype.hasOwnProperty.call(args, k) && String(args[k]) !== v) {
      throw badParams({ [k]: 'duplicate parameter (already defined in URI) with conflicting values!' });
    }
  }
}

/**
 * pve-access-control RPCEnvironment check_api2_permissions: root@pam passes; an operation without permissions is
 * root's alone; `user: all` lets every authenticated caller on to the handler's own checks; else the schema's
 * check. A token (even root's) is not root@pam here, and is refused where the operation does not allow tokens.
 */
function authorize(state: MockState, call: Call, path: string, product: MockProduct): void {
  const perms = call.op.permissions;
  if (perms?.user === 'world') return;
  if (call.id.tokenid && call.op.allowtoken === 0) throw permissionDenied(`URI '${path}' not available with API token, need proper ticket.`);
  if (call.id.userid === 'root@pam' && !call.id.tokenid) return;
  if (!perms) {
    if (product.rootOnlyWithoutPermissions) throw permissionDenied('user != root@pam');
    return;
  }
  if (perms.user === 'all') return;
  if (!perms.check) throw permissionDenied();
  const denied = evaluateCheck(state, call.id, perms.check, call.wire);
  if (denied) throw denied;
}

/** What generated replies need: a seeded random source, the known path values, and UPIDs of tasks started. */
function generator(deps: RouterDeps, call: Call) {
  const { resolved } = call;
  return {
    rng: rngFor(deps.seed, `${call.method} ${resolved.concrete}`),
    known: resolved.params,
    upid: () => {
      call.changed = true;
      const type = resolved.template.split('/').filter((s) => !s.startsWith('{')).pop() ?? 'task';
      return deps.tasks.start({
        node: resolved.params.node ?? deps.state.data.nodes[0],
        type: type.replace(/[^a-zA-Z0-9]/g, ''),
        id: resolved.params.vmid ?? resolved.params.storage ?? '',
        user: call.id.tokenid ?? call.id.userid ?? 'root@pam',
      });
    },
  };
}

function handlerContext(deps: RouterDeps, call: Call): HandlerContext {
  return {
    method: call.method,
    template: call.resolved.template,
    params: call.resolved.params,
    args: call.wire,
    id: call.id,
    state: deps.state,
    tasks: deps.tasks,
    op: call.op,
    task: (plan) => {
      call.changed = true;
      return deps.tasks.start({ ...plan, user: call.id.tokenid ?? call.id.userid });
    },
    changed: () => {
      call.changed = true;
    },
  };
}

/** The reply's body: from the hand-written handler (or its file), else a directory index, else generated from `returns`. */
/** Proxmox always sends the `data` key: a handler's undef goes out as null, never as a reply without `data`. */
const onWire = (data: unknown) => data ?? null;

function reply(deps: RouterDeps, call: Call): Record<string, unknown> | MockFile {
  const { op, resolved, method } = call;
  const gen = generator(deps, call);
  const key = `${method} ${resolved.template}`;
  const listErrors = configListErrors(key, op, call.wire);
  if (listErrors) throw badParams(listErrors);
  const early = checkObjectPermissions(key, handlerContext(deps, call));
  if (early) return { data: onWire(conform(op.returns, early.reply, gen)) };
  const handler = deps.product.handlers[key] ?? HANDLERS[key];
  if (handler) {
    const ctx = handlerContext(deps, call);
    const result = handler(ctx);
    if (result instanceof MockFile) return result;
    const data = onWire(conform(op.returns, result, gen));
    return ctx.extra ? { data, ...ctx.extra } : { data };
  }
  const index = method === 'GET' ? directoryIndex(deps.schema, resolved.template, op.returns) : undefined;
  return { data: index ? conform(op.returns, index, gen) : generateReply(op.returns, gen, method) };
}

function dispatch(deps: RouterDeps, method: string, path: string, args: Record<string, unknown>, headers: Headers): Record<string, unknown> | MockFile {
  const { schema, state, tasks } = deps;
  state.refresh();
  // Tasks that ended since the last request take effect first. A GET keeps that in memory only (it holds no lock
  // on a shared state file); every process derives the same from the file, and the next write saves it.
  const settled = tasks.settle();
  const own = MOCK_ROUTES[`${method} ${path}`];
  if (own) return { data: own(deps, method, args, headers) };
  const { resolved, op } = operationFor(schema, method, path);
  const id: Identity = op.permissions?.user === 'world' ? { userid: '' } : requireIdentity(identify(state, method, headers, deps.product.auth));
  conflictingPathParams(resolved, args);
  const call: Call = { method, resolved, op, id, wire: { ...args, ...resolved.params }, changed: false };
  authorize(state, call, path, deps.product);
  validated(op, resolved, args);
  checkObjectsExist(state, method, resolved.template, resolved.params);
  const body = reply(deps, call);
  if (call.changed || (settled && method !== 'GET')) state.save();
  return body;
}

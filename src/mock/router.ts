/**
 * One request through the mock: resolve the path with the schema, authenticate, validate with the CLI's
 * validator, check permissions from the schema, check that named objects exist, then run the hand-written
 * handler or generate the reply from the return schema.
 */
import type { Schema } from '../schema/load';
import type { HttpMethod, Operation } from '../schema/types';
import { ApiError, badParams } from './api-error';
import { evaluateCheck } from './acl';
import { type Identity, identify, requireIdentity } from './auth';
import { conform } from './conform';
import { generateReply } from './generate';
import { checkObjectsExist } from './guards';
import { HANDLERS } from './handlers';
import type { HandlerContext } from './handlers/context';
import { rngFor } from './random';
import type { MockState } from './state';
import type { Tasks } from './tasks';
import { validateRequest } from './validate';

export interface MockReply {
  status: number;
  message: string;
  body: Record<string, unknown>;
}

export interface RouterDeps {
  schema: Schema;
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

export function route(
  deps: RouterDeps,
  method: string,
  path: string,
  args: Record<string, unknown>,
  headers: Record<string, string | string[] | undefined>,
): MockReply {
  try {
    return { status: 200, message: 'OK', body: dispatch(deps, method, path, args, headers) };
  } catch (e) {
    if (e instanceof ApiError) {
      const body: Record<string, unknown> = { data: null, message: `${e.message}\n` };
      if (e.errors) body.errors = e.errors;
      return { status: e.status, message: e.message, body };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { status: 500, message, body: { data: null, message: `${message}\n` } };
  }
}

function dispatch(
  deps: RouterDeps,
  method: string,
  path: string,
  args: Record<string, unknown>,
  headers: Record<string, string | string[] | undefined>,
): Record<string, unknown> {
  const { schema, state, tasks } = deps;
  state.refresh();
  // Tasks that ended since the last request take effect first. A GET keeps that in memory only (it holds no lock
  // on a shared state file); every process derives the same from the file, and the next write saves it.
  const settled = tasks.settle();
  if (path === '/mock/task' && method === 'POST') {
    return { data: mockTask(deps, requireIdentity(identify(state, method, headers)), args) };
  }
  const resolved = schema.tryResolve(path);
  if (!resolved) throw new ApiError(404, `No such handler for '${method} ${path}'`);
  const op: Operation | undefined = KNOWN_METHODS.has(method) ? schema.operation(resolved.template, method as HttpMethod) : undefined;
  if (!op) throw new ApiError(501, `Method '${method} ${path}' not implemented`);

  const world = op.permissions?.user === 'world';
  const id: Identity = world ? { userid: '' } : requireIdentity(identify(state, method, headers));

  // Path parameters join the parameters, except the few the upstream schema does not declare (e.g. url_seq).
  const declared = op.parameters.properties ?? {};
  const checked: Record<string, unknown> = { ...args };
  for (const [k, v] of Object.entries(resolved.params)) if (k in declared) checked[k] = v;
  const wire: Record<string, unknown> = { ...args, ...resolved.params };
  const errors = validateRequest(schema, op, checked);
  if (Object.keys(errors).length > 0) throw badParams(errors);

  // `user: all` lets every authenticated caller in, whatever the check says (the handler then filters).
  if (!world && op.permissions?.user !== 'all') {
    const denied = evaluateCheck(state, id, op.permissions?.check, wire);
    if (denied) throw denied;
  }
  checkObjectsExist(state, method, resolved.template, resolved.params);

  let changed = false;
  const gen = {
    rng: rngFor(deps.seed, `${method} ${resolved.concrete}`),
    known: resolved.params,
    upid: () => {
      changed = true;
      const type = resolved.template.split('/').filter((s) => !s.startsWith('{')).pop() ?? 'task';
      return tasks.start({
        node: resolved.params.node ?? state.data.nodes[0],
        type: type.replace(/[^a-zA-Z0-9]/g, ''),
        id: resolved.params.vmid ?? resolved.params.storage ?? '',
        user: id.tokenid ?? id.userid ?? 'root@pam',
      });
    },
  };

  const handler = HANDLERS[`${method} ${resolved.template}`];
  let data: unknown;
  let extra: Record<string, unknown> | undefined;
  if (handler) {
    const ctx: HandlerContext = {
      method,
      template: resolved.template,
      params: resolved.params,
      args: wire,
      id,
      state,
      tasks,
      op,
      task: (plan) => {
        changed = true;
        return tasks.start({ ...plan, user: id.tokenid ?? id.userid });
      },
      changed: () => {
        changed = true;
      },
    };
    data = conform(op.returns, handler(ctx), gen);
    extra = ctx.extra;
  } else {
    const index = method === 'GET' ? directoryIndex(schema, resolved.template, op.returns) : undefined;
    data = index ? conform(op.returns, index, gen) : generateReply(op.returns, gen, method);
  }
  if (changed || (settled && method !== 'GET')) state.save();
  return extra ? { data, ...extra } : { data };
}

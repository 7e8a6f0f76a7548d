/**
 * The mock as a handler of src/server: the `/api2/json` prefix, the request's parameters, the state file's lock
 * around writes, and the router's answer as a reply.
 */
import { type FilePart, type Handler, type Reply, type ServerRequest, errorReply, queryParams, readParams } from '../server';
import { withFileLock } from '../util/file-lock';
import { forgetUpload, isUploadPath, receiveUpload } from './handlers/upload';
import { MockError } from './mock-error';
import { type RouterDeps, route } from './router';

const API_PREFIX = '/api2/json';
/** Methods whose parameters come in the query; a body sent with them is ignored. */
const QUERY_ONLY = new Set(['GET', 'DELETE', 'HEAD']);

/** Reply headers as pve-api-daemon sends them. */
export const MOCK_HEADERS = { Server: 'pve-api-daemon/3.0' };

function apiPath(req: ServerRequest): string {
  if (req.path !== API_PREFIX && !req.path.startsWith(API_PREFIX + '/')) {
    throw new MockError(404, `No such handler for '${req.method} ${req.path}'`);
  }
  return req.path.slice(API_PREFIX.length) || '/';
}

/**
 * Route and reply. Writes to a state file other processes share (embedded mocks of concurrent CLI runs) hold its
 * lock from reading the latest state to saving, so no process loses another's change.
 */
function answer(deps: RouterDeps, req: ServerRequest, path: string, args: Record<string, unknown>): Reply | Promise<Reply> {
  const run = () => route(deps, req.method, path, args, req.headers);
  return deps.stateFile && req.method !== 'GET' ? withFileLock(deps.stateFile, run) : run();
}

export function mockHandler(deps: RouterDeps): Handler {
  return async (req) => {
    try {
      const path = apiPath(req);
      const query = queryParams(req);
      // A file part streams through here before routing, as pve-http-server spools it before calling the API.
      const onFile = isUploadPath(path) ? (part: FilePart) => receiveUpload(part, query) : undefined;
      const args = QUERY_ONLY.has(req.method) ? query : await readParams(req, query, onFile);
      try {
        return await answer(deps, req, path, args);
      } finally {
        forgetUpload(args);
      }
    } catch (e) {
      if (e instanceof MockError) return errorReply(e.status, e.message, e.errors);
      throw e;
    }
  };
}

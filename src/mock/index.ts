/**
 * The embedded Proxmox VE mock (issue 5): `pvecli mock serve`, and the built-in `mock` profile.
 *
 * Demo credentials:
 * - `root@pam` / `pvecli-demo` (or `--password`), all privileges;
 * - `alice@pve` / `pvecli-demo` (group admins: Administrator on /), `auditor@pve` / `pvecli-demo` (PVEAuditor on /);
 * - `tfa@pve` / `pvecli-demo` plus TOTP with the base32 secret `JBSWY3DPEHPK3PXP` (PVEVMAdmin on /);
 * - `--token USER@REALM!NAME=SECRET`: the privileges of USER (a USER the mock does not know is created with
 *   Administrator on /), or with `--privsep` privilege-separated with PVEAuditor on / only (reads work, writes
 *   are refused with 403 until an ACL grants more).
 * Magic values for tests: guests named `fail-task` (tasks fail), `warn-task` (tasks end `WARNINGS: 2`),
 * `long-log` (10,000-line logs); and `POST /api2/json/mock/task` with `result=ok|error|warnings`, `lines=N`,
 * `duration=MS`, `node`, `message`, `warnings=N` starts a task with that outcome (mock only, not in the schema).
 * `schemaId` picks the schema served and, with it, the product's mode (`pbs-4`: PBS auth, UPIDs, /version; product.ts).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSchema } from '../schema/load';
import { type Handler, type RunningServer, listen } from '../server';
import { fingerprintOf } from '../server/cert';
import { generateSelfSigned, loadOrCreateCert } from './cert';
import { MOCK_HEADERS, mockHandler } from './handler';
import { consoleUpgrade } from './console-socket';
import { MockTokenSpecError } from './mock-error';
import { mockProduct, productPort } from './product';
import type { RouterDeps } from './router';
import { EMBEDDED_TOKEN, MockState, dict } from './state';
import { Tasks } from './tasks';

export { DEMO_PASSWORD, DEMO_TOTP_SECRET, TFA_USER } from './state';
export { totp } from './totp';
export { MockError, MockStateFileError, MockTokenSpecError } from './mock-error';
export { productName, productPort } from './product';

export interface MockOptions {
  host?: string;
  /** 0 = ephemeral */
  port?: number;
  /** plain HTTP instead of HTTPS */
  http?: boolean;
  stateFile?: string;
  seed?: number;
  password?: string;
  /** 'USER@REALM!NAME=SECRET' */
  tokens?: string[];
  /** tokens from `tokens` are privilege-separated */
  privsep?: boolean;
  /** ms a task runs */
  taskDuration?: number;
  /** where the self-signed cert+key are kept/generated; default: beside `stateFile`, else a new one in memory */
  certDir?: string;
  schemaId?: string;
  /** A bug in the mock (an error it did not mean to answer with): answered with 500, and reported here. */
  onError?: (error: unknown) => void;
}

export interface MockServer {
  url: string;
  fingerprint?: string;
  /** Stop accepting; requests in flight get up to `graceMs` (default 10 s) to finish. */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_TASK_MS = 1000;
const EMBEDDED_TASK_MS = 300;

interface TokenSpec {
  userid: string;
  name: string;
  secret: string;
}

/** `USER@REALM!NAME=SECRET`; a malformed one is refused without showing the secret. */
export function parseTokenSpec(spec: string): TokenSpec {
  const m = /^([^!@=\s]+@[^!=\s]+)!([A-Za-z][A-Za-z0-9._-]*)=(.+)$/.exec(spec);
  if (!m) throw new MockTokenSpecError(spec.includes('=') ? `${spec.slice(0, spec.indexOf('='))}=…` : spec);
  return { userid: m[1], name: m[2], secret: m[3] };
}

function addTokens(state: MockState, tokens: TokenSpec[], privsep: boolean): void {
  for (const { userid, name, secret } of tokens) {
    let user = state.data.users[userid];
    if (!user) {
      user = state.data.users[userid] = { userid, enable: 1, expire: 0, groups: [], tokens: dict() };
      state.data.acl.push({ path: '/', ugid: userid, type: 'user', roleid: 'Administrator', propagate: 1 });
    }
    user.tokens[name] = { secret, privsep: privsep ? 1 : 0, expire: 0, comment: 'added by mock serve --token' };
    const tokenid = `${userid}!${name}`;
    state.data.acl = state.data.acl.filter((e) => e.ugid !== tokenid);
    if (privsep) state.data.acl.push({ path: '/', ugid: tokenid, type: 'token', roleid: 'PVEAuditor', propagate: 1 });
  }
}

export async function startMockServer(opts: MockOptions): Promise<MockServer> {
  return (await start(opts)).server;
}

/** The mock as a handler of src/server, for a server of the caller's (the gateway's mock mode), with its reply headers. */
export function createMockHandler(opts: MockOptions): {
  handler: Handler;
  headers: Record<string, string>;
  /** The Authorization header of an API token in the served product's form (`PBSAPIToken=ID:SECRET` for pbs-4). */
  tokenAuthorization: (tokenid: string, secret: string) => string;
} {
  const deps = mockDeps(opts);
  const { tokenPrefix, tokenSeparator } = deps.product.auth;
  return { handler: mockHandler(deps), headers: MOCK_HEADERS, tokenAuthorization: (id, secret) => `${tokenPrefix}=${id}${tokenSeparator}${secret}` };
}

function mockDeps(opts: MockOptions): RouterDeps {
  const tokens = (opts.tokens ?? []).map(parseTokenSpec);
  const schema = loadSchema(opts.schemaId ?? 'pve-9.2');
  const product = mockProduct(schema);
  const state = new MockState(opts.stateFile, opts.password);
  addTokens(state, tokens, Boolean(opts.privsep));
  if (opts.tokens?.length) state.save();
  const tasks = new Tasks(state, opts.taskDuration ?? DEFAULT_TASK_MS, product.upid);
  return { schema, product, state, tasks, seed: opts.seed ?? 0, stateFile: opts.stateFile };
}

async function start(opts: MockOptions): Promise<{ server: MockServer; state: MockState }> {
  const deps = mockDeps(opts);
  const host = opts.host ?? '127.0.0.1';
  const cert = opts.http ? undefined : certFor(opts);
  const handler = mockHandler(deps);
  const running: RunningServer = await listen(handler, {
    host,
    port: opts.port ?? productPort(deps.schema.id),
    tls: cert,
    headers: MOCK_HEADERS,
    onError: opts.onError,
    // Consoles (termproxy + vncwebsocket): the upgrade is answered by the API first, then the simulated shell runs.
    onUpgrade: consoleUpgrade(deps, handler),
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const mock: MockServer = {
    url: `${opts.http ? 'http' : 'https'}://${shownHost}:${running.port}`,
    fingerprint: cert?.fingerprint,
    close: (graceMs) => running.close(graceMs),
  };
  return { server: mock, state: deps.state };
}

/** The certificate kept in certDir (or beside the state file); with neither, a fresh one that lives in memory. */
function certFor(opts: MockOptions): { cert: string; key: string; fingerprint: string } {
  const dir = opts.certDir ?? (opts.stateFile ? dirname(opts.stateFile) : undefined);
  if (dir) return loadOrCreateCert(dir);
  const pair = generateSelfSigned();
  return { ...pair, fingerprint: fingerprintOf(pair.cert) };
}

const STATE_FILE = 'mock-state.json';

/**
 * The built-in `mock` profile (DESIGN.md §5): in-process on an ephemeral loopback port, state and cert under
 * stateDir. Returns what the HTTP client needs: url, the cert fingerprint to pin, and a full-privilege token.
 */
export async function startEmbeddedMock(
  stateDir: string,
): Promise<{ url: string; fingerprint: string; tokenId: string; tokenSecret: string; close(): Promise<void> }> {
  // Tasks run briefly here: a one-shot command waits for them, and the point is to learn the CLI, not to wait.
  const { server, state } = await start({ host: '127.0.0.1', port: 0, stateFile: join(stateDir, STATE_FILE), certDir: stateDir, taskDuration: EMBEDDED_TASK_MS });
  // The token lives in the persisted state (a fresh state gets a new random secret); recreate it if a user removed it.
  const user = (state.data.users[EMBEDDED_TOKEN.userid] ??= { userid: EMBEDDED_TOKEN.userid, enable: 1, expire: 0, groups: [], tokens: dict() });
  let token = user.tokens[EMBEDDED_TOKEN.name];
  if (!token || token.privsep) {
    token = user.tokens[EMBEDDED_TOKEN.name] = { secret: randomUUID(), privsep: 0, expire: 0, comment: 'pvecli embedded mock' };
    state.save();
  }
  return {
    url: server.url,
    fingerprint: server.fingerprint!,
    tokenId: `${EMBEDDED_TOKEN.userid}!${EMBEDDED_TOKEN.name}`,
    tokenSecret: token.secret,
    // A one-shot run closes when its last reply has come: nothing is left to wait for.
    close: () => server.close(0),
  };
}

/** `pvecli mock reset`: forget the embedded mock's state (the certificate is kept). */
export function resetMockState(stateDir: string): void {
  rmSync(join(stateDir, STATE_FILE), { force: true });
}

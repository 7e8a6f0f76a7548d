/**
 * Issue 13, the client side: pvecli against servers that are not exactly Proxmox VE (another project's mock, a
 * proxy, a FastAPI gateway) and against Proxmox's own ways of saying "does not exist". Each odd reply is one clear
 * `pvecli:` line (a hint at most), the exit code DESIGN.md §4 gives it, and no JavaScript stack, --trace or not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, type RunResult } from '../helpers/cli';
import { answer, fastApiError, FaultServer, plainError, proxmoxError } from '../helpers/fault-server';

const UPID = 'UPID:pve:0001A2B3:0004C5D6:65A1B2C3:qmdestroy:100:root@pam:';
/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

const NOT_FOUND_MESSAGES = [
  "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist",
  "no such user ('x@pve')",
  "pool 'x' does not exist",
  "storage 'x' does not exist",
  "volume 'local:iso/none.iso' does not exist",
  'volume local:100/vm-100-disk-9.raw does not exist',
  "no such VM ('999')",
  "unable to find configuration file for VM 999 on node 'pve'",
  "snapshot 'before' does not exist",
  "resource 'vm:999' does not exist in cluster",
  'no such task',
];

let server: FaultServer;
beforeAll(async () => {
  const faults: ConstructorParameters<typeof FaultServer>[0] = {
    '/nodes': answer(200, 'OK', JSON.stringify({ nodes: [{ node: 'pve' }] })),
    '/version': answer(200, 'OK', '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head></html>', { 'content-type': 'text/html' }),
    '/cluster/status': answer(200, 'OK', ''),
    'POST /nodes/pve/qemu': plainError(400, 'Bad Request', 'vmid 151 already exists\nTraceback (most recent call last):\n  File "app.py"'),
    'PUT /nodes/pve/qemu/100/config': fastApiError(422, 'Unprocessable Entity', [
      { loc: ['body', 'memory'], msg: 'Input should be a valid integer', type: 'int_parsing' },
      { loc: ['body', 'cores'], msg: 'Field required', type: 'missing' },
    ]),
    '/nodes/pve/qemu/404/status/current': fastApiError(404, 'Not Found', 'VM 404 not found'),
    '/nodes/pve/qemu/500/status/current': proxmoxError(500, 'VM 500 not running'),
    'DELETE /nodes/pve/qemu/100': answer(200, 'OK', JSON.stringify({ data: UPID })),
    [`/nodes/pve/tasks/${UPID}/status`]: fastApiError(404, 'Not Found', 'Not Found'),
    '/nodes/pve/qemu/103/status/current': plainError(503, 'Service Unavailable', 'overloaded '.repeat(300)),
    '/nodes/pve/qemu/102/status/current': answer(500, 'Internal Server Error', 'upstream \x1b[2J exploded\x07', { 'content-type': 'text/plain' }),
  };
  NOT_FOUND_MESSAGES.forEach((message, i) => (faults[`/pools/missing${i}`] = proxmoxError(500, message)));
  server = await new FaultServer(faults).start();
});
afterAll(() => server.close());

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return isolatedEnv({ PROXMOX_API_URL: server.url, PROXMOX_API_TOKEN_ID: 'root@pam!odd', PROXMOX_API_TOKEN_SECRET: 'odd-secret-0001', ...extra });
}

/** The run's stderr without trace lines: what the user is told. */
function told(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => l && !l.startsWith('trace: '));
}

/** One `pvecli:` line, then a hint at most (one line per parameter when the server names some), no stack; the code expected. */
function expectOneClearLine(r: RunResult, code: number, message: RegExp, paramLines = 0): void {
  const lines = told(r);
  expect(r.code, r.stderr).toBe(code);
  expect(lines[0]).toMatch(/^pvecli: /);
  expect(lines[0]).toMatch(message);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2 + Math.max(0, paramLines - 1));
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
  expect(r.stderr).not.toMatch(STACK_LINE);
}

describe('pvecli against servers that are not exactly Proxmox VE', () => {
  it('a 200 reply without "data" is exit 7 naming what came back, not an empty success', async () => {
    for (const trace of [[], ['--trace']]) {
      const r = await runCli(['get', '/nodes', ...trace], { env: env() });
      expectOneClearLine(r, 7, /the reply to GET \/nodes has no "data" \(200 OK; got an object with "nodes"\)/);
      expect(r.stdout).toBe('');
    }
    const html = await runCli(['get', '/version'], { env: env() });
    expectOneClearLine(html, 7, /GET \/version is not JSON \(200 OK; got text\/html "Welcome to nginx!"\)/);
    const empty = await runCli(['get', '/cluster/status'], { env: env() });
    expectOneClearLine(empty, 7, /GET \/cluster\/status is not JSON \(200 OK; got an empty body\)/);
  });

  it("a text/plain error shows the body's first line, not only the reason phrase", async () => {
    const r = await runCli(['create', '/nodes/pve/qemu', '--vmid', '151'], { env: env() });
    expectOneClearLine(r, 7, /^pvecli: vmid 151 already exists \(400, POST \/nodes\/pve\/qemu\)$/);
    expect(r.stderr).not.toContain('Traceback');
  });

  it("a body's control characters are stripped and its message bounded", async () => {
    const r = await runCli(['get', '/nodes/pve/qemu/102/status/current'], { env: env() });
    expectOneClearLine(r, 7, /^pvecli: upstream exploded \(500, GET /);
    expect(r.stderr).not.toMatch(/[\x07\x1b]/);
    const long = await runCli(['get', '/nodes/pve/qemu/103/status/current'], { env: env() });
    expectOneClearLine(long, 7, /^pvecli: (overloaded ){20,}/);
    // 300 characters of the body at most, then the status and the request.
    expect(told(long)[0].length).toBeLessThan('pvecli: '.length + 300 + ' (503, GET /nodes/pve/qemu/103/status/current)'.length + 1);
  });

  it("FastAPI's detail: the validation items as the message and per field, a string detail as the message", async () => {
    const r = await runCli(['set', '/nodes/pve/qemu/100/config', '--memory', '2048', '--cores', '2'], { env: env() });
    expectOneClearLine(r, 7, /^pvecli: Unprocessable Entity \(422, PUT \/nodes\/pve\/qemu\/100\/config\)$/, 2);
    expect(told(r).slice(1)).toEqual(['hint: memory: Input should be a valid integer', 'cores: Field required']);
    const missing = await runCli(['get', '/nodes/pve/qemu/404/status/current'], { env: env() });
    expectOneClearLine(missing, 6, /^pvecli: VM 404 not found \(404, GET /);
  });

  it('a DELETE accepted whose task the server cannot report on: said so, the UPID on stdout, exit 7', async () => {
    for (const trace of [[], ['--trace']]) {
      const r = await runCli(['delete', '/nodes/pve/qemu/100', ...trace], { env: env() });
      expectOneClearLine(r, 7, /^pvecli: the request was accepted and started task UPID:\S+, but the server cannot report on the task: Not Found \(404, GET \/nodes\/pve\/tasks\//);
      expect(told(r)[1]).toBe('hint: its outcome is unknown here; the UPID is on stdout');
      expect(r.stdout).toBe(`${UPID}\n`);
    }
  });

  it('Proxmox\'s HTTP 500 "does not exist" replies are exit 6; other 500s stay exit 7', async () => {
    for (const [i, message] of NOT_FOUND_MESSAGES.entries()) {
      const r = await runCli(['get', `/pools/missing${i}`], { env: env() });
      expectOneClearLine(r, 6, new RegExp(`^pvecli: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(500, GET /pools/missing${i}\\)$`));
    }
    const running = await runCli(['get', '/nodes/pve/qemu/500/status/current'], { env: env() });
    expectOneClearLine(running, 7, /^pvecli: VM 500 not running \(500, /);
  });

  it('--trace never prints a stack for an API error; PVECLI_DEBUG=1 does', async () => {
    const traced = await runCli(['get', '/pools/missing0', '--trace'], { env: env() });
    expect(traced.code).toBe(6);
    expect(traced.stderr).toMatch(/^trace: GET http:\S+\/pools\/missing0 → 500 /m);
    expect(traced.stderr).not.toMatch(STACK_LINE);
    const debug = await runCli(['get', '/pools/missing0'], { env: env({ PVECLI_DEBUG: '1' }) });
    expect(debug.code).toBe(6);
    expect(debug.stderr).toMatch(STACK_LINE);
  });
});

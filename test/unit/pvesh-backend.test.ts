import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../src/config/types';
import { backendCommand, pveshWords, remoteCommand, sshArgs } from '../../src/cli/pvesh/command';
import { runFailure, type RunContext } from '../../src/cli/pvesh/errors';
import type { ProcessResult } from '../../src/cli/pvesh/process';

const settings = {
  backend: 'ssh', sshHost: 'pve1', sshUser: 'root', sshPort: 2222, sshIdentity: '/keys/id', sshStrictHostKeyChecking: 'accept-new',
  sshKnownHosts: '/tmp/known hosts', connectTimeout: 10,
} as ConnectionSettings;

describe('pvesh command lines', () => {
  it('one --name=value word per value, arrays repeated, the verb of the method', () => {
    expect(pveshWords('ssh', { method: 'PUT', path: '/nodes/pve/qemu/100/config', params: { delete: 'net1', tags: ['a', 'b'], description: '-starts with a dash' } }))
      .toEqual(['pvesh', 'set', '/nodes/pve/qemu/100/config', '--output-format', 'json', '--delete=net1', '--tags=a', '--tags=b', '--description=-starts with a dash']);
  });

  it('the remote command survives a POSIX shell word for word, whatever the words hold', () => {
    const hostile = ["'; touch /tmp/pwned-unit '", '$(id)', '`id`', '"double" \\ back', 'new\nline', '', '*', '~root', '!x', 'a b\tc'];
    const words = ['printf', '%s\\0', ...hostile];
    const out = execFileSync('/bin/sh', ['-c', remoteCommand(words)], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(hostile);
  });

  it('ssh: BatchMode always, the profile\'s settings as options, -- before the host', () => {
    const args = sshArgs(settings, ['pvesh', 'get', '/nodes']);
    expect(args.slice(0, 2)).toEqual(['-o', 'BatchMode=yes']);
    expect(args).toEqual(expect.arrayContaining(['StrictHostKeyChecking=accept-new', 'UserKnownHostsFile="/tmp/known hosts"', '-i', '/keys/id', '-p', '2222', '-l', 'root']));
    expect(args.slice(-3)).toEqual(['--', 'pve1', 'pvesh get /nodes']);
  });

  it('local: pvesh itself, no shell', () => {
    expect(backendCommand({ ...settings, backend: 'local' }, { method: 'GET', path: '/version' })).toEqual({ file: 'pvesh', args: ['get', '/version', '--output-format', 'json'] });
  });

  it('secrets and uploads are refused before a command line exists', () => {
    expect(() => pveshWords('ssh', { method: 'POST', path: '/access/users', params: { userid: 'a@pve', password: 'x' } })).toThrow(/--password is a secret/);
    expect(() => pveshWords('local', { method: 'POST', path: '/cluster/acme/plugins', params: { id: 'p', data: 'API_KEY=x' } })).toThrow(/--data is a secret/);
    expect(() => pveshWords('ssh', { method: 'POST', path: '/nodes/pve/storage/local/upload', params: {} }, true)).toThrow(/uploads need the https backend/);
  });
});

const ctx: RunContext = { backend: 'ssh', where: 'root@pve1', label: 'pvesh create /nodes/pve/qemu', timeoutS: 30, write: true };
const failed = (code: number | null, stderr: string, extra: Partial<ProcessResult> = {}): ProcessResult => ({
  code, signal: null, stdout: '', stderr, timedOut: false, interrupted: false, tooLarge: false, ...extra,
});

describe('pvesh and ssh failures → DESIGN.md §4 exit codes', () => {
  it('a parameter error: 7 with each parameter, without the USAGE block', () => {
    const err = runFailure(failed(255, "400 Parameter verification failed.\nvmid: invalid format - value must be >= 100\nmemory: value too low\nUSAGE: pvesh create /nodes/pve/qemu [OPTIONS]\n  long usage\n"), ctx);
    expect(err).toMatchObject({ exitCode: 7, status: 400, paramErrors: { vmid: 'invalid format - value must be >= 100', memory: 'value too low' } });
    expect(err.message).toBe('Parameter verification failed. (400, pvesh create /nodes/pve/qemu on root@pve1)');
    expect(err.hint).not.toContain('USAGE');
  });

  it.each([
    ['403 Permission check failed (/vms/100, VM.Allocate)\n', 5, 403],
    ["Configuration file 'nodes/pve/qemu-server/100.conf' does not exist\n", 6, 500],
    ["no such user ('x@pve')\n", 6, 500],
    ["No 'create' handler defined for '/nodes/pve/nope'\n", 7, 501],
    ['VM 100 already running\n', 7, 500],
    ['unable to create VM 100 - lock timeout at /usr/share/perl5/PVE/QemuServer.pm line 42.\n', 7, 500],
  ])('pvesh says %j → %i', (stderr, exitCode, status) => {
    const err = runFailure(failed(2, stderr), ctx);
    expect(err).toMatchObject({ exitCode, status });
    expect(err.message).not.toMatch(/ at \/usr\/share/);
  });

  it.each([
    ['Host key verification failed.\n', 3, /host key of root@pve1 is not the one known/],
    ['@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@\nHost key verification failed.\n', 3, /host key/],
    ['root@pve1: Permission denied (publickey).\n', 4, /refused the login/],
    ['ssh: connect to host pve1 port 22: Connection refused\n', 3, /cannot reach root@pve1: ssh: connect to host pve1 port 22: Connection refused/],
    ['ssh: connect to host pve1 port 22: Connection timed out\n', 3, /cannot reach/],
    ['ssh: Could not resolve hostname pve1: Name or service not known\n', 3, /cannot reach/],
  ])('ssh says %j (exit 255) → %i', (stderr, exitCode, message) => {
    const err = runFailure(failed(255, stderr), ctx);
    expect(err.exitCode).toBe(exitCode);
    expect(err.message).toMatch(message);
  });

  it('pvesh dying with 255 is still pvesh: its message decides', () => {
    expect(runFailure(failed(255, "storage 'nfs1' does not exist\n"), ctx).exitCode).toBe(6);
  });

  it('no pvesh on the node, no ssh here, no pvesh here', () => {
    expect(runFailure(failed(127, 'bash: line 1: pvesh: command not found\n'), ctx)).toMatchObject({ exitCode: 3, message: 'pvesh is not installed on root@pve1' });
    const enoent = Object.assign(new Error('spawn ssh ENOENT'), { code: 'ENOENT' });
    expect(runFailure(failed(null, '', { startError: enoent }), ctx)).toMatchObject({ exitCode: 2, message: 'ssh is not on the PATH' });
    expect(runFailure(failed(null, '', { startError: enoent }), { ...ctx, backend: 'local' })).toMatchObject({ exitCode: 3, message: 'pvesh is not on the PATH' });
  });

  it('a timeout → 9, Ctrl-C → 130; for a write the hint says the task stopped with pvesh', () => {
    expect(runFailure(failed(null, '', { timedOut: true, signal: 'SIGTERM' }), ctx)).toMatchObject({ exitCode: 9, hint: expect.stringContaining('stopped the task') });
    expect(runFailure(failed(null, '', { interrupted: true, signal: 'SIGTERM' }), ctx).exitCode).toBe(130);
  });
});

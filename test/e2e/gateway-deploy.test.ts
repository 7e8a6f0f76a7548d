// deploy/: the systemd unit passes `systemd-analyze verify` (where systemd is installed), and the settings of the
// example environment file are ones the gateway reads, the Dockerfile holds what DESIGN.md §8 asks of it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, isolatedEnv, runCli } from '../helpers/cli';
import { startServe } from '../helpers/serve';

const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('deploy/', () => {
  it.skipIf(!hasSystemd)('pvecli-gateway.service passes systemd-analyze verify without a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvecli-unit-'));
    writeFileSync(join(dir, 'gateway.env'), '', { mode: 0o600 });
    writeFileSync(join(dir, 'gateway-keys'), 'k\n', { mode: 0o600 });
    // Only the install paths change: this checkout instead of /opt/pvecli, temporary files instead of /etc/pvecli.
    const unit = readFileSync(join(ROOT, 'deploy/pvecli-gateway.service'), 'utf8')
      .replaceAll('/opt/pvecli/bin/run.js', BIN)
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('/etc/pvecli', dir);
    const file = join(dir, 'pvecli-gateway.service');
    writeFileSync(file, unit);
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe('');
  }, 40_000);

  it('gateway.env.example holds settings the gateway takes (exit 2 only for its refusal to bind publicly)', async () => {
    const example = Object.fromEntries(
      readFileSync(join(ROOT, 'deploy/gateway.env.example'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(example)).toEqual(expect.arrayContaining(['PROXMOX_API_MODE', 'HOST', 'PORT', 'LOG_LEVEL', 'CORS_ORIGINS', 'PROXMOX_API_URL']));
    // As given it starts (and then is stopped); on 0.0.0.0 without keys it refuses, as DESIGN.md §8 asks.
    const refused = await runCli(['serve'], { env: isolatedEnv({ ...example, HOST: '0.0.0.0' }) });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
    const proc = spawn(process.execPath, [BIN, 'serve'], { env: isolatedEnv({ ...example, PORT: '0' }), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('gateway listening')) proc.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    const line = stderr.split('\n')[0];
    expect(code).toBe(0);
    expect(JSON.parse(line)).toMatchObject({ mode: 'real', upstream: 'https://pve.example.com:8006', auth_method: 'token' });
  }, 40_000);

  // No docker engine runs here: the Dockerfile is checked by reading, and its HEALTHCHECK command is run as written.
  it('Dockerfile: multi-stage, a non-root user, the schema from a build argument or context; its HEALTHCHECK works', async () => {
    const file = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
    const instructions = file.split('\n').filter((l) => /^[A-Z]+ /.test(l));
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(3);
    const user = instructions.findIndex((l) => l.startsWith('USER '));
    expect(instructions[user]).toBe('USER pvecli');
    expect(user).toBeLessThan(instructions.findIndex((l) => l.startsWith('ENTRYPOINT ')));
    expect(file).toMatch(/^ARG PVECLI_SCHEMA_SOURCE=/m);
    expect(file).not.toMatch(/^COPY .*proxmox-schema/m);
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules', 'dist', 'schema/*', '!schema/overlays']));
    const check = JSON.parse(/^ {2}CMD (\[.*\])$/m.exec(file)![1]) as string[];
    expect(check[0]).toBe('node');
    const gw = await startServe([], isolatedEnv());
    try {
      const port = new URL(gw.url).port;
      const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, check.slice(1), { env, timeout: 10_000 }).status;
      expect(run({ ...process.env, PORT: port })).toBe(0);
      await gw.stop();
      expect(run({ ...process.env, PORT: port })).toBe(1);
    } finally {
      await gw.stop();
    }
  }, 30_000);
});

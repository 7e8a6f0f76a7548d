import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFile, updateConfigFile, withFileLock } from '../../src/config/index';

// Child processes run src/config bundled on the fly, so this test needs no prior build.
const dir = mkdtempSync(join(tmpdir(), 'pvecli-concurrency-'));
const bundle = join(dir, 'config.cjs');
const root = resolve(__dirname, '../..');
beforeAll(async () => {
  await build({
    entryPoints: [join(root, 'src/config/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    outfile: bundle, external: ['yaml', '@inquirer/prompts'], nodePaths: [join(root, 'node_modules')], logLevel: 'error',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH, NODE_PATH: join(root, 'node_modules'), HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, done, stderr: () => stderr };
}

/** A child that adds `count` profiles named `<prefix>-<i>`, one locked read-modify-write each. */
const adder = (path: string, prefix: string, count: number) => `
  const c = require(${JSON.stringify(bundle)});
  (async () => {
    for (let i = 0; i < ${count}; i++) {
      await c.updateConfigFile(${JSON.stringify(path)}, (f) => f.setProfile('${prefix}-' + i, { url: 'https://${prefix}-' + i + ':8006' }));
    }
  })().catch((e) => { console.error(e); process.exit(1); });`;

describe('concurrent writers', () => {
  it('processes adding different profiles at once all keep their profiles', async () => {
    const path = join(dir, 'shared.yaml');
    writeFileSync(path, '# shared\nprofiles:\n  base:\n    url: https://base\n', { mode: 0o600 });
    const writers = ['a', 'b', 'c'].map((p) => run(adder(path, p, 15)));
    const codes = await Promise.all(writers.map((w) => w.done));
    expect(codes, writers.map((w) => w.stderr()).join('\n')).toEqual([0, 0, 0]);
    const names = ConfigFile.read(path).profileNames();
    expect(names).toHaveLength(1 + 3 * 15);
    for (const p of ['a', 'b', 'c']) for (let i = 0; i < 15; i++) expect(names).toContain(`${p}-${i}`);
    expect(readdirSync(dir).filter((f) => f.startsWith('.shared.yaml') || f.endsWith('.lock'))).toEqual([]);
  });

  it('a process killed while writing leaves the previous file intact and the next writer proceeds', async () => {
    const path = join(dir, 'killed.yaml');
    writeFileSync(path, '# keep me\nprofiles:\n  base:\n    url: https://base\n', { mode: 0o600 });
    // Large profiles make each write take long enough for kills to land mid-write.
    const bigWriter = `
      const c = require(${JSON.stringify(bundle)});
      const padding = 'x'.repeat(200000);
      (async () => {
        for (let i = 0; ; i++) {
          await c.updateConfigFile(${JSON.stringify(path)}, (f) => f.setProfile('big-' + (i % 5), { url: 'https://big/' + padding + i }));
        }
      })();`;
    for (let round = 0; round < 6; round++) {
      const writer = run(bigWriter);
      await new Promise((r) => setTimeout(r, 150 + round * 37));
      writer.child.kill('SIGKILL');
      await writer.done;
      const config = ConfigFile.read(path); // throws if the file were torn
      expect(config.profileNames()).toContain('base');
    }
    // A lock left by a killed writer is recognised as stale.
    await updateConfigFile(path, (f) => f.setProfile('after', { url: 'https://after' }));
    const config = ConfigFile.read(path);
    expect(config.profile('after')).toEqual({ url: 'https://after' });
    expect(existsSync(`${path}.lock`)).toBe(false);
    // Temp files of killed writers are swept by the next writer.
    expect(readdirSync(dir).filter((f) => f.startsWith('.killed.yaml.'))).toEqual([]);
  });

  it('a lock of a dead process is broken; a live one is waited for, then reported', async () => {
    const path = join(dir, 'locked.yaml');
    const dead = run('process.exit(0)');
    await dead.done;
    writeFileSync(`${path}.lock`, `${dead.child.pid}\n`);
    expect(await withFileLock(path, () => 'ran')).toBe('ran');
    expect(existsSync(`${path}.lock`)).toBe(false);

    const live = run('setTimeout(() => {}, 20000)');
    writeFileSync(`${path}.lock`, `${live.child.pid}\n`);
    await expect(withFileLock(path, () => 'ran', 300)).rejects.toThrow(/held by another pvecli process/);
    expect(existsSync(`${path}.lock`)).toBe(true);
    live.child.kill('SIGKILL');
    await live.done;
    expect(await withFileLock(path, () => 'ran')).toBe('ran');
  });
});

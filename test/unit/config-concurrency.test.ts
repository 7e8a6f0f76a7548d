import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
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

  /**
   * A writer that pauses inside its `pause`-th write of `path` and says so on stdout, so the kill is known to land
   * in the write window: 'data' stops half-way through writing the temp file, 'rename' after the temp file is
   * complete and fsynced but before it replaces `path`. The child wraps node:fs (the bundle looks its functions up
   * at each call), so src/ keeps no test hook.
   */
  const pausingWriter = (path: string, pause: number, at: 'data' | 'rename') => `
    const fs = require('node:fs');
    const { basename } = require('node:path');
    const real = { openSync: fs.openSync, writeSync: fs.writeSync, renameSync: fs.renameSync };
    const isTemp = (p) => basename(String(p)).startsWith(${JSON.stringify(`.${basename(path)}.`)}) && String(p).endsWith('.tmp');
    const temps = new Map();
    let writes = 0;
    const holdHere = (temp) => {
      real.writeSync(1, 'paused ' + temp + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
      process.exit(3); // only if nobody killed it
    };
    fs.openSync = (p, ...rest) => {
      const fd = real.openSync(p, ...rest);
      if (isTemp(p)) { temps.set(fd, String(p)); writes++; }
      return fd;
    };
    fs.writeSync = (fd, buffer, offset = 0, length = buffer.length - offset, ...rest) => {
      if (${JSON.stringify(at)} === 'data' && temps.has(fd) && writes === ${pause}) {
        real.writeSync(fd, buffer, offset, Math.floor(length / 2));
        holdHere(temps.get(fd));
      }
      return real.writeSync(fd, buffer, offset, length, ...rest);
    };
    fs.renameSync = (from, to) => {
      if (${JSON.stringify(at)} === 'rename' && isTemp(from) && writes === ${pause}) holdHere(String(from));
      return real.renameSync(from, to);
    };
    const c = require(${JSON.stringify(bundle)});
    const padding = 'x'.repeat(200000);
    (async () => {
      for (let i = 0; i <= ${pause}; i++) {
        await c.updateConfigFile(${JSON.stringify(path)}, (f) => f.setProfile('big-' + i, { url: 'https://big/' + padding + i }));
      }
      console.error('never paused: no ' + ${JSON.stringify(at)} + ' step of a temp file in ${pause} writes');
      process.exit(4);
    })().catch((e) => { console.error(e); process.exit(1); });`;

  /** Resolves with the temp file the writer paused in, once its line is on stdout. */
  function pausedIn(writer: ReturnType<typeof run>): Promise<string> {
    return new Promise((res, rej) => {
      let out = '';
      writer.child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /^paused (.+)\n/m.exec(out);
        if (m) res(m[1]);
      });
      writer.done.then((code) => rej(new Error(`writer exited ${code} before pausing: ${writer.stderr()}`)));
    });
  }

  for (const at of ['data', 'rename'] as const) {
    it(`a process killed inside a write (${at === 'data' ? 'temp file half written' : 'temp file complete, not renamed'}) leaves the previous file intact; the next writer proceeds`, async () => {
      const path = join(dir, `killed-${at}.yaml`);
      writeFileSync(path, '# keep me\nprofiles:\n  base:\n    url: https://base\n', { mode: 0o600 });
      const writer = run(pausingWriter(path, 3, at));
      const temp = await pausedIn(writer);
      // The evidence that the kill lands mid-write: the writer holds the lock and its temp file exists beside the file.
      expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${writer.child.pid}\n`);
      expect(existsSync(temp)).toBe(true);
      const before = readFileSync(path, 'utf8');
      if (at === 'data') expect(readFileSync(temp, 'utf8').length).toBeLessThan(before.length);
      writer.child.kill('SIGKILL');
      await writer.done;

      // The file is the one the last complete write left: two writes done, the third lost whole.
      expect(readFileSync(path, 'utf8')).toBe(before);
      const config = ConfigFile.read(path);
      expect(config.profileNames()).toEqual(['base', 'big-0', 'big-1']);
      // A lock left by a killed writer is recognised as stale.
      await updateConfigFile(path, (f) => f.setProfile('after', { url: 'https://after' }));
      expect(ConfigFile.read(path).profile('after')).toEqual({ url: 'https://after' });
      expect(existsSync(`${path}.lock`)).toBe(false);
      // Temp files of killed writers are swept by the next writer.
      expect(existsSync(temp)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith(`.killed-${at}.yaml.`))).toEqual([]);
    });
  }

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

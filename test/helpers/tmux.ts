/**
 * A command on a real pseudo-terminal through tmux: keys typed, the screen read back, the window resized, and every
 * byte the command wrote kept (pipe-pane) to count redraws. Each session has its own tmux server (-L), so tests
 * never see a user's tmux or each other's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli';

export const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

let sessions = 0;

/** Single-quoted for sh. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class TmuxSession {
  readonly dir = mkdtempSync(join(tmpdir(), 'pvecli-tmux-'));
  private readonly server = `pvecli-test-${process.pid}-${++sessions}`;

  /**
   * Runs `pvecli ARGS` in a shell on the terminal: `stty -g` is saved before and after (sttyBefore/sttyAfter), the
   * exit code is printed as `EXIT=n`, and the pane stays open for reading.
   */
  constructor(args: string[], env: NodeJS.ProcessEnv, size = { cols: 100, rows: 30 }) {
    const run = [process.execPath, BIN, ...args].map(q).join(' ');
    // The shell catches Ctrl-C (a trap, not an ignore, so the command still gets it) and lives on to print EXIT.
    const script = `trap : INT; stty -g > ${q(join(this.dir, 'stty-before'))}; ${run}; code=$?; stty -g > ${q(join(this.dir, 'stty-after'))}; echo EXIT=$code; sleep 120`;
    this.tmux(['new-session', '-d', '-s', 'test', '-x', String(size.cols), '-y', String(size.rows), 'sh', '-c', script], env);
    this.tmux(['pipe-pane', '-o', '-t', 'test', `cat >> ${q(join(this.dir, 'raw'))}`], env);
  }

  private tmux(args: string[], env: NodeJS.ProcessEnv = process.env): string {
    const r = spawnSync('tmux', ['-L', this.server, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** tmux key names (`Enter`, `C-c`, `C-]`). */
  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'test', ...keys]);
  }

  /** Text typed as it is. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'test', '-l', text]);
  }

  /** The process id of the command (the child of the pane's shell), to signal it and nothing else. */
  commandPid(): number {
    const shell = this.tmux(['display-message', '-p', '-t', 'test', '#{pane_pid}']).trim();
    const children = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    if (children.length !== 1) throw new Error(`expected one command under the pane's shell, found ${children.length}`);
    return Number(children[0]);
  }

  resize(cols: number, rows: number): void {
    this.tmux(['resize-window', '-t', 'test', '-x', String(cols), '-y', String(rows)]);
  }

  /** The screen as it shows now. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'test']);
  }

  /** Every byte the command wrote so far. */
  raw(): string {
    const file = join(this.dir, 'raw');
    return existsSync(file) ? readFileSync(file, 'latin1') : '';
  }

  /** Polls until `test` holds for the screen (or the raw bytes), or fails after `ms` with what was there. */
  async waitFor(test: (screen: string, raw: string) => boolean, what: string, ms = 30_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const screen = this.screen();
      if (test(screen, this.raw())) return screen;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stty(): { before: string; after: string } {
    const read = (name: string) => readFileSync(join(this.dir, name), 'utf8').trim();
    return { before: read('stty-before'), after: read('stty-after') };
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.server, 'kill-server'], { stdio: 'ignore' });
  }
}

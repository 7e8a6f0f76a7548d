import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runCli } from '../helpers/cli';
import { startTestMock, TEST_TOKEN_ID, TEST_TOKEN_SECRET } from '../helpers/mock';
import { hasTmux, TmuxSession } from '../helpers/tmux';

type Mock = Awaited<ReturnType<typeof startTestMock>>;
let mock: Mock;

beforeAll(async () => {
  mock = await startTestMock({ taskDuration: 200 });
});
afterAll(async () => {
  await mock?.close();
});

/** Runs `pvecli console ARGS` on a terminal; the session is killed afterwards whatever happened. */
async function onConsole(args: string[], steps: (t: TmuxSession) => Promise<void>): Promise<TmuxSession> {
  const t = new TmuxSession(['console', ...args], mock.env(), { cols: 100, rows: 30 });
  try {
    await steps(t);
    return t;
  } finally {
    t.kill();
  }
}

const exited = (t: TmuxSession) => t.waitFor((s) => /EXIT=\d+/.test(s), 'the exit code');

describe.skipIf(!hasTmux)('pvecli console on a pseudo-terminal', () => {
  it("a node's shell: a command answered, a resize seen by the remote side, Ctrl-] q leaves; stty -g unchanged", async () => {
    await onConsole(['/nodes/pve'], async (t) => {
      await t.waitFor((s) => s.includes('root@pve:~#'), 'the prompt');
      expect(t.screen()).toContain('leave with Ctrl-] then q');
      t.type('hostname');
      t.keys('Enter');
      await t.waitFor((s) => /hostname\n+pve\n/.test(s), 'the answer to hostname');
      t.type('stty size');
      t.keys('Enter');
      await t.waitFor((s) => s.includes('30 100'), 'the first size');
      t.resize(120, 40);
      // The resize goes out as a message of its own; ask again until the answer has the new size.
      await t.waitFor((s) => {
        if (s.includes('40 120')) return true;
        t.type('stty size');
        t.keys('Enter');
        return false;
      }, 'the new size');
      t.keys('C-]', 'q');
      const screen = await exited(t);
      expect(screen).toMatch(/left the console/);
      expect(screen).toMatch(/EXIT=0/);
      const { before, after } = t.stty();
      expect(after).toBe(before);
    });
  });

  it("a VM's serial terminal: no serial port is refused with the fix; with one, `exit` from the remote side ends it with exit 0", async () => {
    await onConsole(['/nodes/pve/qemu/100'], async (t) => {
      const screen = await exited(t);
      expect(screen).toMatch(/VM 100 has no serial0/);
      expect(screen).toMatch(/pvecli set \/nodes\/pve\/qemu\/100\/config --serial0 socket/);
      expect(screen).toMatch(/EXIT=7/);
    });
    const set = await runCli(['set', '/nodes/pve/qemu/100/config', '--serial0', 'socket'], { env: mock.env() });
    expect(set.code, set.stderr).toBe(0);
    await onConsole(['/nodes/pve/qemu/100'], async (t) => {
      await t.waitFor((s) => s.includes('root@web01:~#'), 'the prompt');
      expect(t.screen()).toMatch(/ttyS0/);
      t.type('echo typed through the serial port');
      t.keys('Enter');
      await t.waitFor((s) => /\ntyped through the serial port\n/.test(s), 'the echo');
      // Ctrl-C goes to the remote side in raw mode: the line is dropped there, the console stays.
      t.type('partial');
      t.keys('C-c');
      await t.waitFor((s) => s.includes('partial^C'), 'the remote ^C');
      t.type('exit');
      t.keys('Enter');
      const screen = await exited(t);
      expect(screen).toMatch(/closed by the server/);
      expect(screen).toMatch(/EXIT=0/);
      expect(t.stty().after).toBe(t.stty().before);
    });
  });

  it('a container that is not running has no console: exit 7 and how to start it', async () => {
    await onConsole(['/nodes/pve2/lxc/111'], async (t) => {
      const screen = await exited(t);
      expect(screen).toMatch(/CT 111 is not running/);
      expect(screen).toMatch(/pvecli create \/nodes\/pve2\/lxc\/111\/status\/start/);
      expect(screen).toMatch(/EXIT=7/);
    });
  });

  it('a SIGTERM while connected ends the session and restores the terminal', async () => {
    await onConsole(['/nodes/pve/lxc/110'], async (t) => {
      await t.waitFor((screen) => screen.includes('root@dns01:~#'), 'the prompt');
      // From outside the session, as a closing terminal emulator or a service manager would.
      process.kill(t.commandPid(), 'SIGTERM');
      const screen = await exited(t);
      expect(screen).toMatch(/SIGTERM: left the console/);
      expect(screen).toMatch(/EXIT=130/);
      expect(t.stty().after).toBe(t.stty().before);
    });
  });
});

describe('console without a terminal, and the websocket itself', () => {
  it('refuses to start without a terminal (exit 2) and checks the path first', async () => {
    const r = await runCli(['console', '/nodes/pve'], { env: mock.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/console needs a terminal/);
    const bad = await runCli(['console', '/cluster/resources'], { env: mock.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no console at/);
  });

  it('the mock refuses a websocket without a valid ticket (401) and accepts one from termproxy', async () => {
    const headers = { Authorization: `PVEAPIToken=${TEST_TOKEN_ID}=${TEST_TOKEN_SECRET}` };
    const wsUrl = (query: string) => `${mock.url.replace(/^http/, 'ws')}/api2/json/nodes/pve/vncwebsocket?${query}`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl('port=5900&vncticket=forged'), ['binary'], { headers, rejectUnauthorized: false });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
    const grant = await runCli(['create', '/nodes/pve/termproxy', '-o', 'json'], { env: mock.env() });
    expect(grant.code, grant.stderr).toBe(0);
    const { user, ticket, port } = JSON.parse(grant.stdout) as { user: string; ticket: string; port: number };
    expect(port).toBeGreaterThanOrEqual(5900);
    const answer = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(`port=${port}&vncticket=${encodeURIComponent(ticket)}`), ['binary'], { headers, rejectUnauthorized: false });
      let got = '';
      ws.on('open', () => ws.send(`${user}:${ticket}\n0:9:whoami\r\n` + '1:80:24:2'));
      ws.on('message', (data: Buffer) => {
        got += data.toString();
        if (/whoami\r\nroot\r\n/.test(got)) {
          ws.close();
          resolve(got);
        }
      });
      ws.on('error', reject);
    });
    expect(answer.startsWith('OK')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { consoleFrames, EscapeFilter } from '../../src/cli/console-keys';
import { ConsoleInputParser } from '../../src/mock/console-input';
import { MockShell } from '../../src/mock/console-shell';

describe('the escape sequence: Ctrl-] then q', () => {
  it('leaves on Ctrl-] q, also split across reads; what came before it is still sent', () => {
    const keys = new EscapeFilter();
    expect(keys.feed(Buffer.from('ls\r\x1d'))).toEqual({ send: Buffer.from('ls\r'), leave: false });
    expect(keys.feed(Buffer.from('q'))).toEqual({ send: Buffer.alloc(0), leave: true });
  });

  it('Ctrl-] twice sends one; Ctrl-] and another key send both; q alone is a q', () => {
    const keys = new EscapeFilter();
    expect(keys.feed(Buffer.from('\x1d\x1d'))).toEqual({ send: Buffer.from('\x1d'), leave: false });
    expect(keys.feed(Buffer.from('\x1dx'))).toEqual({ send: Buffer.from('\x1dx'), leave: false });
    expect(keys.feed(Buffer.from('quit'))).toEqual({ send: Buffer.from('quit'), leave: false });
  });
});

describe("termproxy's input messages, as the mock reads them", () => {
  it('reads what the client writes: data by byte length (UTF-8), resizes, pings skipped', () => {
    const parser = new ConsoleInputParser();
    const wire = Buffer.concat([consoleFrames.data(Buffer.from('héllo')), Buffer.from(consoleFrames.resize(120, 40)), Buffer.from(consoleFrames.ping), consoleFrames.data(Buffer.from('\r'))]);
    const inputs = parser.push(wire);
    expect(inputs).toEqual([
      { kind: 'data', bytes: Buffer.from('héllo') },
      { kind: 'resize', cols: 120, rows: 40 },
      { kind: 'data', bytes: Buffer.from('\r') },
    ]);
  });

  it('frame boundaries mean nothing: a message split anywhere comes out whole', () => {
    const wire = Buffer.concat([consoleFrames.data(Buffer.from('echo 1')), Buffer.from(consoleFrames.resize(80, 24))]);
    for (let cut = 1; cut < wire.length; cut++) {
      const parser = new ConsoleInputParser();
      const inputs = [...parser.push(wire.subarray(0, cut)), ...parser.push(wire.subarray(cut))];
      const data = Buffer.concat(inputs.flatMap((i) => (i.kind === 'data' ? [i.bytes] : [])));
      expect(data.toString()).toBe('echo 1');
      expect(inputs.filter((i) => i.kind === 'resize')).toEqual([{ kind: 'resize', cols: 80, rows: 24 }]);
    }
  });
});

describe("the mock's shell", () => {
  function shell() {
    let out = '';
    let ended = false;
    const sh = new MockShell({ hostname: 'web01', tty: '/dev/ttyS0', uptime: 3600, write: (t) => (out += t), end: () => (ended = true) });
    sh.start('banner\r\n');
    const type = (text: string) => {
      out = '';
      sh.input(Buffer.from(text));
      return out;
    };
    return { sh, type, ended: () => ended };
  }

  it('echoes, answers and prompts again', () => {
    const { type } = shell();
    expect(type('hostname\r')).toBe('hostname\r\nweb01\r\nroot@web01:~# ');
    expect(type('echo a  b\r')).toContain('\r\na b\r\n');
    expect(type('nope\r')).toContain('-bash: nope: command not found');
  });

  it('Backspace erases, Ctrl-C drops the line, arrow keys are not echoed, stty size follows resizes', () => {
    const { sh, type } = shell();
    expect(type('hostx\x7fname\r')).toContain('\r\nweb01\r\n');
    expect(type('half\x03')).toBe('half^C\r\nroot@web01:~# ');
    expect(type('\x1b[A')).toBe('');
    sh.resize(132, 43);
    expect(type('stty size\r')).toContain('\r\n43 132\r\n');
  });

  it('exit and Ctrl-D on an empty line end the session', () => {
    const a = shell();
    expect(a.type('exit\r')).toContain('logout');
    expect(a.ended()).toBe(true);
    const b = shell();
    b.type('\x04');
    expect(b.ended()).toBe(true);
  });
});

/**
 * The mock's console: a small line-based shell behind a pseudo-terminal's manners (it echoes what is typed,
 * Backspace erases, Ctrl-C drops the line, Ctrl-D on an empty line or `exit` logs out). It answers `hostname`,
 * `uptime`, `echo`, `whoami`, `tty`, `stty size` (the size the client last sent), `clear` and `help`.
 */
import { StringDecoder } from 'node:string_decoder';

export interface ShellOptions {
  hostname: string;
  /** `/dev/pts/0` for a shell, `/dev/ttyS0` for a VM's serial port, `/dev/console` for a container. */
  tty: string;
  /** Seconds the machine has been up. */
  uptime: number;
  write(text: string): void;
  /** The session ends (after `exit`): the server closes the connection. */
  end(): void;
}

const COMMANDS = ['clear', 'echo', 'exit', 'help', 'hostname', 'stty size', 'tty', 'uptime', 'whoami'];

export class MockShell {
  private line = '';
  private cols = 80;
  private rows = 20;
  private ended = false;
  private readonly decoder = new StringDecoder('utf8');
  /** Inside an escape sequence the terminal sent (arrow keys): skipped, not echoed. */
  private escape = '';

  constructor(private readonly opts: ShellOptions) {}

  start(banner: string): void {
    this.opts.write(banner);
    this.prompt();
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
  }

  input(bytes: Buffer): void {
    for (const ch of this.decoder.write(bytes)) {
      if (this.ended) return;
      this.key(ch);
    }
  }

  private key(ch: string): void {
    if (this.escape) {
      this.escape += ch;
      if (this.escape.length > 2 && /[@-~]/.test(ch)) this.escape = '';
      else if (this.escape.length === 2 && ch !== '[' && ch !== 'O') this.escape = '';
      return;
    }
    switch (ch) {
      case '\x1b':
        this.escape = ch;
        return;
      case '\r':
      case '\n':
        this.opts.write('\r\n');
        this.run(this.line.trim());
        this.line = '';
        return;
      case '\x7f':
      case '\b':
        if (this.line) {
          this.line = [...this.line].slice(0, -1).join('');
          this.opts.write('\b \b');
        }
        return;
      case '\x03':
        this.opts.write('^C\r\n');
        this.line = '';
        this.prompt();
        return;
      case '\x04':
        if (!this.line) this.run('exit');
        return;
      default:
        if (ch >= ' ') {
          this.line += ch;
          this.opts.write(ch);
        }
    }
  }

  private run(command: string): void {
    const [name, ...args] = command.split(/\s+/);
    const say = (text: string) => this.opts.write(text.replace(/\n/g, '\r\n') + '\r\n');
    switch (name) {
      case '':
        break;
      case 'exit':
      case 'logout':
        this.opts.write('logout\r\n');
        this.ended = true;
        this.opts.end();
        return;
      case 'hostname':
        say(this.opts.hostname);
        break;
      case 'whoami':
        say('root');
        break;
      case 'tty':
        say(this.opts.tty);
        break;
      case 'echo':
        say(args.join(' '));
        break;
      case 'uptime':
        say(uptimeText(this.opts.uptime));
        break;
      case 'stty':
        if (args.join(' ') === 'size') say(`${this.rows} ${this.cols}`);
        else say('stty: only "stty size" is simulated');
        break;
      case 'clear':
        this.opts.write('\x1b[H\x1b[2J');
        break;
      case 'help':
        say(`a simulated shell; commands: ${COMMANDS.join(', ')}`);
        break;
      default:
        say(`-bash: ${name}: command not found`);
    }
    this.prompt();
  }

  private prompt(): void {
    this.opts.write(`root@${this.opts.hostname}:~# `);
  }
}

/** ` 10:15:02 up 12 days,  3:04,  1 user,  load average: 0.08, 0.03, 0.01` */
function uptimeText(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const clock = new Date().toTimeString().slice(0, 8);
  return ` ${clock} up ${days} days, ${String(hours).padStart(2)}:${String(minutes).padStart(2, '0')},  1 user,  load average: 0.08, 0.03, 0.01`;
}

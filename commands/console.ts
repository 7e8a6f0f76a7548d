import { Args, Command, Flags } from '@oclif/core';
import { globalFlags, toGlobals } from '../src/cli/oclif-flags';

export default class Console extends Command {
  static summary = "Open a node's shell, a VM's serial terminal or a container's console.";
  static description =
    'Through termproxy and its websocket, as the web UI\'s xterm.js console: the local terminal in raw mode, its size forwarded. Leave with Ctrl-] then q.';
  static args = { path: Args.string({ description: 'a node (/nodes/pve), a VM (/nodes/pve/qemu/100) or a container (/nodes/pve/lxc/101)', required: true }) };
  static flags = {
    ...globalFlags,
    serial: Flags.string({ description: "a VM's serial port (default: serial0, or the display's when it is one)", options: ['serial0', 'serial1', 'serial2', 'serial3'] }),
  };
  static examples = ['pvecli console /nodes/pve', 'pvecli console /nodes/pve/qemu/100', 'pvecli console /nodes/pve/lxc/110', 'pvecli console /nodes/pve/qemu/100 --serial serial1'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(Console);
    const { runConsole } = require('../src/cli/console') as typeof import('../src/cli/console');
    process.exitCode = await runConsole(toGlobals(flags), args.path, { serial: flags.serial });
  }
}

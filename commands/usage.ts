import { Args, Command } from '@oclif/core';

export default class Usage extends Command {
  static summary = 'Show how to call the operations of an API path.';
  static description = 'Flags: --verbose/-v every parameter; --returns the return schema; --command get|set|create|delete one operation; -o json machine-readable.';
  static strict = false;
  static args = { path: Args.string({ description: 'API path', required: false }) };
  static examples = ['pvecli usage /nodes/{node}/qemu --command create -v', 'pvecli usage /cluster/resources --returns'];
  async run(): Promise<void> {
    const { runUsage } = require('../src/cli/usage') as typeof import('../src/cli/usage');
    process.exitCode = await runUsage(this.argv);
  }
}

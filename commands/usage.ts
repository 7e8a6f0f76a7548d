import { Args, Command } from '@oclif/core';
import { USAGE_EXAMPLES, USAGE_SUMMARY } from '../src/cli/verb-summary';

export default class Usage extends Command {
  static summary = USAGE_SUMMARY;
  static description = 'Flags: --verbose/-v every parameter; --returns the return schema; --command get|set|create|delete one operation; -o json machine-readable.';
  static strict = false;
  static args = { path: Args.string({ description: 'API path', required: false }) };
  static examples = USAGE_EXAMPLES;
  async run(): Promise<void> {
    const { runUsage } = require('../src/cli/usage') as typeof import('../src/cli/usage');
    process.exitCode = await runUsage(this.argv);
  }
}

import { Args, Command } from '@oclif/core';
import { BATCH_DESCRIPTION, BATCH_EXAMPLES, BATCH_SUMMARY } from '../src/cli/batch-help';

/** The oclif face of `pvecli batch` (for help listings); bin/run.js normally runs it without oclif. */
export default class Batch extends Command {
  static summary = BATCH_SUMMARY;
  static description = BATCH_DESCRIPTION;
  static strict = false;
  static args = { file: Args.string({ description: 'commands, one per line; - (the default) for stdin', required: false }) };
  static examples = BATCH_EXAMPLES;
  async run(): Promise<void> {
    const { runBatch } = require('../src/cli/batch') as typeof import('../src/cli/batch');
    process.exitCode = await runBatch(this.argv);
  }
}

import { Args, Command } from '@oclif/core';
import { LS_EXAMPLES } from '../src/cli/verb-summary';

export default class Ls extends Command {
  static summary = 'List the children of an API path with capability flags (offline, from the schema).';
  static strict = false;
  static args = { path: Args.string({ description: 'API path', required: false }) };
  static examples = LS_EXAMPLES;
  async run(): Promise<void> {
    const { runLs } = require('../src/cli/ls') as typeof import('../src/cli/ls');
    process.exitCode = await runLs(this.argv);
  }
}

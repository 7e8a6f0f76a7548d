import { Command } from '@oclif/core';

export default class MockReset extends Command {
  static summary = "Forget the built-in mock's state (VMs, users, tasks): the next run starts from the demo cluster.";
  static examples = ['pvecli mock reset'];
  async run(): Promise<void> {
    await this.parse(MockReset);
    const { resetMockState } = require('../../src/mock') as typeof import('../../src/mock');
    const { stateDir } = require('../../src/config/paths') as typeof import('../../src/config/paths');
    const dir = stateDir();
    resetMockState(dir);
    process.stderr.write(`pvecli: mock state cleared (${dir})\n`);
  }
}

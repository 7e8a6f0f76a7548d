import { Command } from '@oclif/core';
import { globalFlag, globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class TaskWait extends Command {
  static summary = 'Wait for one or more tasks; exit with the worst result (8 failed, 9 timed out).';
  static strict = false;
  static flags = { ...globalFlags, 'wait-timeout': globalFlag('wait-timeout', { description: 'seconds to wait at most (fractions allowed: 0.5)', helpGroup: undefined }) };
  static examples = ['pvecli task wait UPID:pve:… UPID:pve2:…'];
  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TaskWait);
    const { taskWait } = require('../../src/cli/task-commands') as typeof import('../../src/cli/task-commands');
    process.exitCode = await taskWait(toGlobals(flags), argv as string[]);
  }
}

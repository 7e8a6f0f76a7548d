import { Command, Flags } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class TaskList extends Command {
  static summary = 'List recent tasks of the cluster or one node.';
  static flags = {
    ...globalFlags,
    node: Flags.string({ description: 'only this node' }),
    running: Flags.boolean({ description: 'only running tasks' }),
    errors: Flags.boolean({ description: 'only failed tasks' }),
    limit: Flags.integer({ description: 'at most this many' }),
    since: Flags.string({ description: 'started after: epoch, ISO date, or 30m/2h/7d' }),
  };
  static examples = ['pvecli task list --running', 'pvecli task list --node pve --errors --since 1d'];
  async run(): Promise<void> {
    const { flags } = await this.parse(TaskList);
    const { taskList } = require('../../src/cli/task-commands') as typeof import('../../src/cli/task-commands');
    process.exitCode = await taskList(toGlobals(flags), flags);
  }
}

import { Command, Flags } from '@oclif/core';
import { globalFlag, globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class TaskList extends Command {
  static summary = 'List recent tasks of the cluster or one node.';
  static flags = {
    ...globalFlags,
    node: Flags.string({ description: 'only this node' }),
    running: Flags.boolean({ description: 'only running tasks' }),
    errors: Flags.boolean({ description: 'only failed tasks' }),
    limit: Flags.integer({ description: 'at most this many' }),
    since: Flags.string({ description: 'started after: epoch, ISO date, or 30m/2h/7d' }),
    watch: globalFlag('watch', { helpGroup: undefined }),
  };
  static examples = ['pvecli task list --running', 'pvecli task list --node pve --errors --since 1d', 'pvecli task list --running --watch 5'];
  async run(): Promise<void> {
    const { bareWatchValue } = require('../../src/cli/watch-args') as typeof import('../../src/cli/watch-args');
    const { flags } = await this.parse(TaskList, bareWatchValue(this.argv));
    const tasks = require('../../src/cli/task-commands') as typeof import('../../src/cli/task-commands');
    const globals = toGlobals(flags);
    process.exitCode = flags.watch === undefined ? await tasks.taskList(globals, flags) : await tasks.watchTaskList(globals, flags, flags.watch);
  }
}

import { Args, Command, Flags } from '@oclif/core';
import { globalFlag, globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class TaskLog extends Command {
  static summary = "Print a task's log; --follow streams it until the task ends.";
  static args = { upid: Args.string({ description: 'task id (UPID:…)', required: true }) };
  static flags = {
    ...globalFlags,
    follow: Flags.boolean({ char: 'f', description: 'stream new lines until the task ends; exit with its result' }),
    'wait-timeout': globalFlag('wait-timeout', { description: 'seconds to follow at most (fractions allowed: 0.5)', helpGroup: undefined }),
  };
  static examples = ['pvecli task log UPID:pve:0000A1B2:0001E240:6751A3F0:vzdump:100:root@pam: --follow'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(TaskLog);
    const { taskLog } = require('../../src/cli/task-commands') as typeof import('../../src/cli/task-commands');
    process.exitCode = await taskLog(toGlobals(flags), args.upid, flags.follow);
  }
}

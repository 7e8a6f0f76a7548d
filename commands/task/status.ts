import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class TaskStatus extends Command {
  static summary = "Show a task's status (UPID decoded); exit 8 if it failed.";
  static args = { upid: Args.string({ description: 'task id (UPID:…)', required: true }) };
  static flags = { ...globalFlags };
  static examples = ['pvecli task status UPID:pve:0000A1B2:0001E240:6751A3F0:qmstart:100:root@pam:'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(TaskStatus);
    const { taskStatus } = require('../../src/cli/task-commands') as typeof import('../../src/cli/task-commands');
    process.exitCode = await taskStatus(toGlobals(flags), args.upid);
  }
}

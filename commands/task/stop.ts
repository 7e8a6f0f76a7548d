import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class TaskStop extends Command {
  static summary = "Stop a running task.";
  static args = { upid: Args.string({ description: 'task id (UPID:…)', required: true }) };
  static flags = { ...globalFlags };
  static examples = ['pvecli task stop UPID:pve:0000A1B2:0001E240:6751A3F0:qmstart:100:root@pam:'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(TaskStop);
    const { taskStop } = require('../../src/cli/task-commands') as typeof import('../../src/cli/task-commands');
    process.exitCode = await taskStop(toGlobals(flags), args.upid);
  }
}

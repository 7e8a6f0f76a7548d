import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class ProfileRemove extends Command {
  static summary = 'Remove a profile from the config file.';
  static args = { name: Args.string({ description: 'profile', required: true }) };
  static flags = { ...globalFlags };
  static examples = ['pvecli profile remove old-lab'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileRemove);
    const { removeProfile } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const { wasCurrent } = await removeProfile(args.name);
    if (toGlobals(flags).quiet) return;
    writeErr(`removed profile ${args.name}`);
    if (wasCurrent) writeErr("it was the current profile; choose another with 'pvecli profile use NAME'");
  }
}

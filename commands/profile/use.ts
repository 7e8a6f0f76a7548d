import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class ProfileUse extends Command {
  static summary = 'Make a profile the current one (the file\'s `current`).';
  static args = { name: Args.string({ description: 'profile', required: true }) };
  static flags = { ...globalFlags };
  static examples = ['pvecli profile use prod', 'pvecli profile use mock'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileUse);
    const { useProfile } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    await useProfile(args.name);
    if (!toGlobals(flags).quiet) writeErr(`current profile: ${args.name}`);
  }
}

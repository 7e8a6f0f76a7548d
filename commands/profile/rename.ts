import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class ProfileRename extends Command {
  static summary = 'Rename a profile (it keeps its place and comments in the file; `current` follows).';
  static args = {
    old: Args.string({ description: 'current name', required: true }),
    new: Args.string({ description: 'new name', required: true }),
  };
  static flags = { ...globalFlags };
  static examples = ['pvecli profile rename lab homelab'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileRename);
    const { renameProfile } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    await renameProfile(args.old, args.new);
    if (!toGlobals(flags).quiet) writeErr(`renamed profile ${args.old} to ${args.new}`);
  }
}

import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';
import { withDefaultShape } from '../../src/output/shape';

export default class ProfileShow extends Command {
  static summary = 'Show a profile as stored; secrets appear as their reference (env:, file:, prompt) or ****.';
  static args = { name: Args.string({ description: 'profile (default: the selected one)' }) };
  static flags = { ...globalFlags };
  static examples = ['pvecli profile show', 'pvecli profile show prod -o json'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileShow);
    const { showProfile } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const { warn } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const globals = toGlobals(flags);
    const shown = showProfile(args.name ?? globals.profile, process.env, warn);
    // Keep the file's key order in text output (the renderer sorts keys unless fields are given).
    printResult(shown, withDefaultShape(globals, { fields: Object.keys(shown) }));
  }
}

import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';
import { isHumanFormat } from '../../src/output/render';
import { withDefaultShape } from '../../src/output/shape';

export default class ProfileVerify extends Command {
  static summary = 'Log in with a profile and show the server version, the identity and a summary of its permissions.';
  static args = { name: Args.string({ description: 'profile (default: the selected one)' }) };
  static flags = { ...globalFlags };
  static examples = ['pvecli profile verify', 'pvecli profile verify prod -o json'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileVerify);
    const { openConnection } = require('../../src/cli/connection') as typeof import('../../src/cli/connection');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const { summarizeForHumans, verifyConnection } = require('../../src/config/profile-verify') as typeof import('../../src/config/profile-verify');
    const { describeSchemaChoice } = require('../../src/cli/schema-match') as typeof import('../../src/cli/schema-match');
    const globals = toGlobals(flags);
    const selected = { ...globals, profile: args.name ?? globals.profile };
    const connection = await openConnection(selected, { needServer: true });
    try {
      const result = await verifyConnection(connection.client(), connection.settings, (reply) => describeSchemaChoice(selected, connection, reply));
      const human = isHumanFormat(globals.outputFormat);
      const shown = human ? summarizeForHumans(result) : result;
      printResult(shown, withDefaultShape(globals, { fields: Object.keys(shown) }));
    } finally {
      await connection.close();
    }
  }
}

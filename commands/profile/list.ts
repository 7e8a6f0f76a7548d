import { Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';
import { isHumanFormat } from '../../src/output/render';
import { withDefaultShape } from '../../src/output/shape';

export default class ProfileList extends Command {
  static summary = 'List the profiles of the config file; the current one is marked.';
  static flags = { ...globalFlags };
  static examples = ['pvecli profile list', 'pvecli profile list -o json'];
  async run(): Promise<void> {
    const { flags } = await this.parse(ProfileList);
    const { listProfiles } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const { warn } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const globals = toGlobals(flags);
    const { profiles, configFile } = listProfiles(process.env, warn);
    if (profiles.length === 0 && !globals.quiet) {
      const { writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
      writeErr(`no profiles in ${configFile}: commands use the built-in mock server. Add one with 'pvecli profile add NAME --url https://HOST:8006'.`);
    }
    const human = isHumanFormat(globals.outputFormat);
    // People scan for a mark; programs want a boolean.
    const rows = human ? profiles.map((p) => ({ ...p, current: p.current ? '*' : '' })) : profiles;
    printResult(rows, withDefaultShape(globals, { fields: ['current', 'name', 'url', 'auth', 'tls'], sort: 'name' }));
  }
}

import { Args, Command, Flags } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';
import { withDefaultShape } from '../../src/output/shape';

export default class ProfileEnv extends Command {
  static summary = 'Show every resolved connection setting and where it came from (flag, environment, profile, default); secrets redacted.';
  static args = { name: Args.string({ description: 'profile (default: the selected one; same as --profile)' }) };
  static flags = { ...globalFlags, url: Flags.string({ description: 'server URL for this run (like PROXMOX_API_URL)', hidden: true }) };
  static examples = ['pvecli profile env', 'pvecli profile env lab', 'PROXMOX_API_TIMEOUT=5 pvecli profile env -p prod -o json'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileEnv);
    const { describeConnection } = require('../../src/config/describe') as typeof import('../../src/config/describe');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const { warn } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const globals = toGlobals(flags);
    const { kind, settings } = describeConnection(
      { profile: args.name ?? globals.profile, url: flags.url, insecure: globals.insecure, tlsFingerprint: globals.tlsFingerprint, caFile: globals.caFile, requestTimeout: globals.requestTimeout, otp: globals.otp, schema: globals.schema },
      process.env,
      warn,
    );
    const rows = settings.map((s) => (s.setting === 'url' && kind === 'mock' ? { ...s, value: '(embedded mock server)' } : s));
    printResult(rows, withDefaultShape(globals, { fields: ['setting', 'value', 'source', 'variable'] }));
  }
}

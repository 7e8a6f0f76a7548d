import { Args, Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class ProfileSet extends Command {
  static summary = 'Set one key of a profile; an empty value removes the key.';
  static description = 'Keys: url, token_id, token_secret, username, password, otp_type, fingerprint, ca_file, insecure, proxy, ' +
    'service, path_prefix, timeout, connect_timeout, retries, retry_backoff, schema, backend, ssh_host, ssh_user, ssh_port, ' +
    'ssh_identity, ssh_strict_host_key_checking, ssh_known_hosts (token-secret spelling works too). ' +
    'Secrets should be references: env:NAME, file:PATH or prompt.';
  static args = {
    name: Args.string({ description: 'profile', required: true }),
    key: Args.string({ description: 'setting, as in the config file', required: true }),
    value: Args.string({ description: "value ('' removes the key)", required: true }),
  };
  static flags = { ...globalFlags };
  static examples = ['pvecli profile set prod timeout 60', 'pvecli profile set prod token_secret env:PROD_TOKEN', "pvecli profile set prod proxy ''"];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileSet);
    const { setProfileValue } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { isLiteralSecret } = require('../../src/config/secrets') as typeof import('../../src/config/secrets');
    const { warn, writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const { key, removed } = await setProfileValue(args.name, args.key, args.value);
    if ((key === 'token_secret' || key === 'password') && !removed && isLiteralSecret(args.value)) {
      warn(`the ${key} is now stored in clear in the config file (and was visible in the process list); prefer env:NAME, file:PATH or prompt`);
    }
    if (!toGlobals(flags).quiet) writeErr(removed ? `removed ${key} from profile ${args.name}` : `set ${key} of profile ${args.name}`);
  }
}

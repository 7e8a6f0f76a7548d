import { Args, Command, Flags } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';
import { shellCommand } from '../../src/util/shell-quote';

const SECRET_HELP = 'env:NAME, file:PATH, prompt (ask each run), or the secret itself (stored in clear, with a warning)';

export default class ProfileAdd extends Command {
  static summary = 'Add a profile: a server, how to log in, and how to trust its certificate.';
  static description = 'On a terminal, missing values are asked for, and the server certificate can be fetched and pinned. ' +
    'Without one, a missing value is an error naming its flag. The first profile added becomes the current one.';
  static args = { name: Args.string({ description: 'profile name', required: true }) };
  static flags = {
    ...globalFlags,
    url: Flags.string({ description: 'server, e.g. https://pve.example.com:8006' }),
    'token-id': Flags.string({ description: 'API token, user@realm!name' }),
    'token-secret': Flags.string({ description: `token secret: ${SECRET_HELP}` }),
    username: Flags.string({ description: 'user for password login, user@realm' }),
    password: Flags.string({ description: `password: ${SECRET_HELP}` }),
    fingerprint: Flags.string({ description: 'pin the server certificate (SHA-256)', exclusive: ['ca-file', 'insecure'] }),
    'ca-file': Flags.string({ description: 'trust this CA certificate file', exclusive: ['fingerprint', 'insecure'] }),
    insecure: Flags.boolean({ description: 'do not verify the server certificate', exclusive: ['fingerprint', 'ca-file'] }),
    proxy: Flags.string({ description: 'HTTP(S) proxy for this profile' }),
    service: Flags.string({ description: 'product: pve, pbs, pmg or pdm (any case)' }),
    'path-prefix': Flags.string({ description: 'reverse-proxy prefix before /api2/json' }),
    timeout: Flags.string({ description: 'request timeout, seconds' }),
    backend: Flags.string({ description: 'https (default), ssh (pvesh on the node through ssh) or local (pvesh here): no API credentials then' }),
    use: Flags.boolean({ description: 'make it the current profile' }),
    force: Flags.boolean({ description: 'replace a profile of the same name' }),
  };
  static examples = [
    // Built with shellCommand so the pasted example survives the shell: the '!' of a token ID is single-quoted.
    shellCommand('pvecli', 'profile', 'add', 'prod', '--url', 'https://pve1:8006', '--token-id', 'ci@pve!cli', '--token-secret', 'env:PVE_TOKEN', '--fingerprint', 'AB:CD:...', '--use'),
    'pvecli profile add lab --url https://192.168.1.10:8006 --username root@pam --password prompt --insecure',
    'pvecli profile add home   # asks for the rest on a terminal',
  ];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfileAdd);
    const { collectProfileValues } = require('../../src/cli/profile-add') as typeof import('../../src/cli/profile-add');
    const { addProfile, literalSecretKeys } = require('../../src/config/profiles') as typeof import('../../src/config/profiles');
    const { certificateFetcher, isInteractive } = require('../../src/cli/connection') as typeof import('../../src/cli/connection');
    const { warn, writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const { UsageError } = require('../../src/errors') as typeof import('../../src/errors');
    const globals = toGlobals(flags);
    const timeout = flags.timeout === undefined ? undefined : Number(flags.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout ${flags.timeout}: expected seconds > 0`);
    const values = await collectProfileValues(
      {
        url: flags.url, tokenId: flags['token-id'], tokenSecret: flags['token-secret'], username: flags.username, password: flags.password,
        fingerprint: flags.fingerprint, caFile: flags['ca-file'], insecure: flags.insecure, proxy: flags.proxy, service: flags.service,
        pathPrefix: flags['path-prefix'], timeout, backend: flags.backend,
      },
      { name: args.name, interactive: isInteractive(), say: writeErr, fetchCertificate: certificateFetcher() },
    );
    for (const key of literalSecretKeys(values)) {
      warn(`the ${key} of profile ${args.name} will be stored in clear in the config file, and as an argument it is visible to other users of this machine (ps); prefer env:NAME, file:PATH or prompt`);
    }
    const { current } = await addProfile(args.name, values, { use: flags.use, force: flags.force });
    if (!globals.quiet) writeErr(`added profile ${args.name}${current ? ' (current)' : ''}`);
  }
}

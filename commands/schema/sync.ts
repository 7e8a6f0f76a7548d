import { Command, Flags } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class SchemaSync extends Command {
  static summary = "Fetch a server's own API schema (its api-viewer data) and compile it for use from now on.";
  static description =
    "Default source: the selected profile's server, at /pve-docs/api-viewer/apidata.js (PMG /pmg-docs/…, PBS and PDM " +
    '/docs/api-viewer/apidoc.js), fetched with the profile\'s TLS, proxy and credentials; --from takes another URL or a file. ' +
    'The schema is compiled, validators included, into $XDG_CACHE_HOME/pvecli/schema/PRODUCT-VERSION/ and is then matched ' +
    'to servers of that version, before a bundled schema of the same id. Data that is not api-viewer data is refused (exit 2).';
  static flags = {
    ...globalFlags,
    from: Flags.string({ description: 'api-viewer data to compile: https://HOST:PORT/…/apidata.js, or a file (.js or .json)' }),
    id: Flags.string({ description: "schema id to file it under, e.g. pve-8.4 (default: from the file name, else the server's /version)" }),
  };
  static examples = [
    'pvecli schema sync',
    'pvecli schema sync -p pbs1',
    'pvecli schema sync --from https://pve1:8006/pve-docs/api-viewer/apidata.js',
    'pvecli schema sync --from ./apidata.js --id pve-9.1',
  ];
  async run(): Promise<void> {
    const { flags } = await this.parse(SchemaSync);
    const { syncSchema } = require('../../src/cli/schema-sync') as typeof import('../../src/cli/schema-sync');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const globals = toGlobals(flags);
    printResult(await syncSchema(globals, { from: flags.from, id: flags.id }), globals);
  }
}

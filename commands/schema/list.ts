import { Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class SchemaList extends Command {
  static summary = 'List the API schemas, bundled and synced, and which servers were matched to each.';
  static description =
    'Without --schema (or PVECLI_SCHEMA, or a profile\'s `schema`), a run uses the schema matched to its server: the first ' +
    "request of a day reads the server's /version and picks the nearest schema of its product; `matched` lists those " +
    'servers with the version they reported. A synced schema (`pvecli schema sync`) wins over the bundled one of the same id.';
  static flags = { 'output-format': globalFlags['output-format'], noborder: globalFlags.noborder, noheader: globalFlags.noheader, query: globalFlags.query };
  static examples = ['pvecli schema list', 'pvecli ls / --schema pbs-4'];
  async run(): Promise<void> {
    const { flags } = await this.parse(SchemaList);
    const { schemaSummaries } = require('../../src/schema/summary') as typeof import('../../src/schema/summary');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const { cachedMatches } = require('../../src/cli/schema-match') as typeof import('../../src/cli/schema-match');
    const matches = cachedMatches();
    const rows = schemaSummaries().map((s) => ({
      ...s,
      matched: matches.filter((m) => m.schema === s.id).map((m) => `${m.url} (${m.product.toUpperCase()} ${m.version})`),
    }));
    printResult(rows, toGlobals(flags));
  }
}

import { Command } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class SchemaList extends Command {
  static summary = 'List the compiled API schemas (select one with --schema ID or a profile\'s `schema`).';
  static flags = { 'output-format': globalFlags['output-format'], noborder: globalFlags.noborder, noheader: globalFlags.noheader, query: globalFlags.query };
  static examples = ['pvecli schema list', 'pvecli ls / --schema pbs-4'];
  async run(): Promise<void> {
    const { flags } = await this.parse(SchemaList);
    const { schemaSummaries } = require('../../src/schema/summary') as typeof import('../../src/schema/summary');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    printResult(schemaSummaries(), toGlobals(flags));
  }
}

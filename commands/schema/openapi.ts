import { Command } from '@oclif/core';
import { globalFlag } from '../../src/cli/oclif-flags';

export default class SchemaOpenapi extends Command {
  static summary = 'Print the OpenAPI 3.1 document of a schema, offline: the same as `pvecli serve` answers on GET /openapi.json.';
  static flags = { schema: globalFlag('schema', { description: 'schema to describe, e.g. pve-9.1 (default: PVECLI_SCHEMA, else pve-9.2)' }) };
  static examples = ['pvecli schema openapi > pve.json', 'pvecli schema openapi --schema pbs-4 | jq \'.paths | keys\''];
  async run(): Promise<void> {
    const { flags } = await this.parse(SchemaOpenapi);
    const { loadSchema } = require('../../src/schema/load') as typeof import('../../src/schema/load');
    const { openApiJson } = require('../../src/gateway/openapi') as typeof import('../../src/gateway/openapi');
    const { writeOut } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    // As `serve` picks it in mock mode: the flag, else PVECLI_SCHEMA, else the default.
    writeOut(openApiJson(loadSchema(flags.schema ?? (process.env.PVECLI_SCHEMA || undefined))) + '\n');
  }
}

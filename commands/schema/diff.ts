import { Args, Command, Flags } from '@oclif/core';
import { globalFlags, toGlobals } from '../../src/cli/oclif-flags';

export default class SchemaDiff extends Command {
  static summary = 'Operations and parameters added, removed or changed from schema A to schema B: what to read before an upgrade.';
  static args = {
    a: Args.string({ description: 'the schema now, e.g. pve-8.4', required: true }),
    b: Args.string({ description: 'the schema after, e.g. pve-9.2', required: true }),
  };
  static flags = {
    'output-format': globalFlags['output-format'],
    noborder: globalFlags.noborder,
    noheader: globalFlags.noheader,
    fields: globalFlags.fields,
    query: globalFlags.query,
    quiet: globalFlags.quiet,
    path: Flags.string({ description: 'only operations at or below this API path, e.g. /nodes/{node}/qemu' }),
  };
  static examples = ['pvecli schema diff pve-8.4 pve-9.2', 'pvecli schema diff pve-9.1 pve-9.2 --path /cluster/sdn -o json'];
  async run(): Promise<void> {
    const { args, flags } = await this.parse(SchemaDiff);
    const { loadSchema } = require('../../src/schema/load') as typeof import('../../src/schema/load');
    const { diffSchemas, diffSummary } = require('../../src/schema/diff') as typeof import('../../src/schema/diff');
    const { printResult } = require('../../src/cli/context') as typeof import('../../src/cli/context');
    const { writeErr } = require('../../src/cli/io') as typeof import('../../src/cli/io');
    const globals = toGlobals(flags);
    const changes = diffSchemas(loadSchema(args.a), loadSchema(args.b), flags.path);
    const format = globals.outputFormat ?? 'text';
    if (!globals.quiet && (format === 'text' || format === 'table')) {
      const s = diffSummary(changes);
      writeErr(
        `${args.a} → ${args.b}${flags.path ? ` under ${flags.path}` : ''}: operations +${s.operations_added} -${s.operations_removed}; ` +
          `parameters +${s.parameters_added} -${s.parameters_removed} ~${s.parameters_changed}`,
      );
    }
    const { withDefaultShape } = require('../../src/output/shape') as typeof import('../../src/output/shape');
    printResult(changes, withDefaultShape(globals, { fields: ['change', 'operation', 'parameter', 'detail'], keepOrder: true }));
  }
}

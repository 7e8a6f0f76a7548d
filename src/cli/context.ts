import { loadSchema, type Schema } from '../schema/load';
import type { GlobalOptions } from './globals';
import { render, type RenderOptions } from '../output/render';
import { useColour } from '../output/style';
import type { PropSchema } from '../schema/types';
import { writeOut } from './io';

/** The schema a run uses: --schema, else PVECLI_SCHEMA, else the default (pve-9.2). */
export function schemaFor(globals: GlobalOptions, profileSchema?: string): Schema {
  return loadSchema(globals.schema ?? process.env.PVECLI_SCHEMA ?? profileSchema);
}

/** Render options from the global flags; human-readable by default for text/table only. */
export function renderOptions(globals: GlobalOptions, returns?: PropSchema): RenderOptions {
  const format = globals.outputFormat ?? 'text';
  return {
    format,
    noborder: globals.noborder,
    noheader: globals.noheader,
    humanReadable: globals.humanReadable ?? (format === 'text' || format === 'table'),
    returns,
    fields: globals.fields,
    sort: globals.sort,
    query: globals.query,
    expand: globals.expand ? (data) => expand(data, returns) : undefined,
    colour: useColour(),
    width: process.stdout.isTTY ? process.stdout.columns : undefined,
  };
}

function expand(data: unknown, returns: PropSchema | undefined): unknown {
  const { expandPropertyStrings } = require('../output/shape') as typeof import('../output/shape');
  const params = require('../params') as typeof import('../params');
  return expandPropertyStrings(data, returns, params.propertyFormatOf, (f, t) => params.parsePropertyString(f, t));
}

export function printResult(data: unknown, globals: GlobalOptions, returns?: PropSchema): void {
  if (globals.quiet) return;
  writeOut(render(data, renderOptions(globals, returns)));
}

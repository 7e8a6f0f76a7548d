import { loadSchema, type Schema } from '../schema/load';
import type { GlobalOptions } from './globals';
import { renderTo, type RenderOptions } from '../output/render';
import { useColour } from '../output/style';
import type { PropSchema } from '../schema/types';
import { writeOut } from './io';
import { afterSuccess } from './sent-errors';
import { isatty } from 'node:tty';

/**
 * The schema of a run that sends nothing (ls, usage, --dry-run, completion): explicit settings, else the match
 * cached for the target, else the product's newest schema (schema-match.ts; requests use schemaForRequest there).
 */
export function schemaFor(globals: GlobalOptions): Schema {
  const { chooseSchema } = require('./schema-match') as typeof import('./schema-match');
  return loadSchema(chooseSchema(globals).id);
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
    defaultFields: globals.defaultFields,
    sort: globals.sort,
    keepOrder: globals.keepOrder,
    query: globals.query,
    expand: globals.expand ? (data) => expand(data, returns) : undefined,
    colour: useColour(),
    width: isatty(1) ? process.stdout.columns : undefined,
    escape: isatty(1),
  };
}

function expand(data: unknown, returns: PropSchema | undefined): unknown {
  const { expandPropertyStrings } = require('../output/shape') as typeof import('../output/shape');
  const params = require('../params') as typeof import('../params');
  return expandPropertyStrings(data, returns, params.propertyFormatOf, (f, t) => params.parsePropertyString(f, t));
}

/** `sent`: the request the data is the reply to (`GET /cluster/tasks`), so a failure here does not exit 2. */
export function printResult(data: unknown, globals: GlobalOptions, returns?: PropSchema, sent?: string): void {
  if (globals.quiet) return;
  try {
    renderTo(data, renderOptions(globals, returns), writeOut);
  } catch (err) {
    throw sent ? afterSuccess(err, sent) : err;
  }
}

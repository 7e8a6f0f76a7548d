import { loadSchema, type Schema } from '../schema/load';
import type { GlobalOptions } from './globals';
import { isHumanFormat, renderTo, type RenderOptions } from '../output/render';
import { useColour } from '../output/style';
import type { PropSchema } from '../schema/types';
import { writeErr, writeOut } from './io';
import { afterSuccess } from './sent-errors';
import { isatty } from '../util/tty';

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
  const tty = isatty(1);
  return {
    format,
    // Piped, the text table is light: columns apart by spaces, no box drawn around every row (issue 16).
    noborder: globals.noborder || (!tty && (format === 'text' || format === 'wide')),
    noheader: globals.noheader,
    humanReadable: globals.humanReadable ?? isHumanFormat(format),
    returns,
    fields: globals.fields,
    defaultFields: globals.defaultFields,
    sort: globals.sort,
    keepOrder: globals.keepOrder,
    query: globals.query,
    expand: globals.expand ? (data) => expand(data, returns) : undefined,
    colour: useColour(),
    width: tty ? terminalWidth() : undefined,
    note: (line) => writeErr(`pvecli: ${line}`),
    escape: tty,
  };
}

/** The terminal's width: COLUMNS when set to a number (as for ls), else the terminal's own. */
function terminalWidth(): number | undefined {
  const columns = Number(process.env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return process.stdout.columns || undefined;
}

function expand(data: unknown, returns: PropSchema | undefined): unknown {
  const { expandPropertyStrings } = require('../output/shape') as typeof import('../output/shape');
  const params = require('../params') as typeof import('../params');
  return expandPropertyStrings(data, returns, params.propertyFormatOf, (f, t) => params.parsePropertyString(f, t));
}

/** Rows from which a result's rendering may need its young generation held down (DESIGN.md §7 peak memory). */
const LONG_LIST = 10_000;

/**
 * Rendering a long list as text, table or yaml makes short-lived strings fast enough that V8 doubles its young
 * generation again and again: 40,000 rows peaked at 84–86 MB RSS. Growing it by a factor of 1 instead (read by V8
 * at each growth, so it still applies once the run has started) measured 76–78 MB, no slower; json is unchanged.
 */
function keepYoungGenerationSmall(): void {
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
}

/** `sent`: the request the data is the reply to (`GET /cluster/tasks`), so a failure here does not exit 2. */
export function printResult(data: unknown, globals: GlobalOptions, returns?: PropSchema, sent?: string): void {
  if (globals.quiet) return;
  if (Array.isArray(data) && data.length > LONG_LIST) keepYoungGenerationSmall();
  try {
    renderTo(data, renderOptions(globals, returns), writeOut);
  } catch (err) {
    throw sent ? afterSuccess(err, sent) : err;
  }
}

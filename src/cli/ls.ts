import { UsageError } from '../errors';
import { splitPath, type Schema } from '../schema/load';
import type { HttpMethod } from '../schema/types';
import { schemaFor, printResult } from './context';
import { splitGlobals } from './globals';
import { examplesText, LS_EXAMPLES } from './verb-summary';
import { writeOut } from './io';

export interface ChildRow {
  name: string;
  path: string;
  capabilities: string;
  methods: HttpMethod[];
}

/** pvesh's capability column: D = has children; r, w, c, d = GET, PUT, POST, DELETE. */
export function capabilities(schema: Schema, template: string): string {
  const m = new Set(schema.methodsOf(template));
  return (
    (schema.children(template).length ? 'D' : '-') +
    (m.has('GET') ? 'r' : '-') +
    (m.has('PUT') ? 'w' : '-') +
    (m.has('POST') ? 'c' : '-') +
    (m.has('DELETE') ? 'd' : '-')
  );
}

/** The children of a concrete or template path, offline from the schema. */
export function listChildren(schema: Schema, path: string): ChildRow[] {
  const isRoot = splitPath(path).length === 0;
  const resolved = isRoot ? undefined : schema.resolve(path);
  const template = resolved?.template ?? '/';
  const prefix = resolved ? resolved.concrete : '';
  return schema.children(template).map((child) => {
    const name = child.split('/').pop()!;
    return { name, path: `${prefix}/${name}`, capabilities: capabilities(schema, child), methods: schema.methodsOf(child) };
  });
}

export async function runLs(argv: string[]): Promise<number> {
  const { globals, positionals, rest } = splitGlobals(argv);
  if (globals.help) {
    writeOut(`Usage: pvecli ls [PATH] [-o text|json|yaml]\n\nList the children of an API path with pvesh capability flags (D = has children; r, w, c, d = get, set, create, delete).\n\n${examplesText(LS_EXAMPLES)}`);
    return 0;
  }
  if (rest.length) throw new UsageError(`unknown option '${rest[0]}' for ls`);
  if (positionals.length > 1) throw new UsageError(`ls takes one path, got ${positionals.length}`);
  const schema = schemaFor(globals);
  const rows = listChildren(schema, positionals[0] ?? '/');
  if ((globals.outputFormat ?? 'text') === 'text' && !globals.fields) {
    if (!globals.quiet) writeOut(rows.map((r) => `${r.capabilities}        ${r.name}\n`).join(''));
    return 0;
  }
  printResult(rows, globals);
  return 0;
}

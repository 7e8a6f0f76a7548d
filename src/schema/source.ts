import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors';

/** A schema source to compile: an id such as `pve-9.2` and where its data comes from. */
export interface SchemaSource {
  id: string;
  location: string;
}

const ID_PATTERN = /\b(pve|pbs|pmg|pdm)-(\d+(?:\.\d+)*)\b/i;
export const DEFAULT_SCHEMA_ID = 'pve-9.2';

/** `pve-9.2` from a file name or URL, else the environment's PVECLI_SCHEMA_ID, else the default. */
export function schemaIdFor(location: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PVECLI_SCHEMA_ID) return env.PVECLI_SCHEMA_ID;
  const m = ID_PATTERN.exec(basename(location));
  return m ? `${m[1].toLowerCase()}-${m[2]}` : DEFAULT_SCHEMA_ID;
}

/** Where the build looks for schema data, in order; the first that exists wins. */
export function candidateDirs(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [];
  if (env.PVECLI_SCHEMA_DIR) dirs.push(resolve(env.PVECLI_SCHEMA_DIR));
  dirs.push(resolve(projectRoot, '../shared/proxmox-schema'));
  return dirs;
}

/** Every source the build compiles: PVECLI_SCHEMA_SOURCE if set, plus each file of the shared schema folder. */
export function findSources(projectRoot: string, env: NodeJS.ProcessEnv = process.env): SchemaSource[] {
  const sources: SchemaSource[] = [];
  const looked: string[] = [];
  const explicit = env.PVECLI_SCHEMA_SOURCE;
  if (explicit) sources.push({ id: schemaIdFor(explicit, env), location: explicit });
  else looked.push('PVECLI_SCHEMA_SOURCE (not set)');
  for (const dir of candidateDirs(projectRoot, env)) {
    looked.push(dir);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json') && !file.endsWith('.js')) continue;
      const id = ID_PATTERN.exec(file) ? schemaIdFor(file, {}) : undefined;
      if (id && !sources.some((s) => s.id === id)) sources.push({ id, location: join(dir, file) });
    }
    if (sources.length > 0) break;
  }
  if (sources.length === 0) {
    throw new CliError(
      `no Proxmox API schema data found; looked in: ${looked.join(', ')}`,
      ExitCode.usage,
      'set PVECLI_SCHEMA_SOURCE to a schema file or to https://NODE:8006/pve-docs/api-viewer/apidata.js and run `npm run build`',
    );
  }
  return sources;
}

/** The API tree as a JSON array: from a .json file, or cut out of an api-viewer apidata.js/apidoc.js. */
export function parseSchemaText(text: string, location: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return JSON.parse(text) as unknown[];
  // apidata.js: `const apiSchema = [ ... ];` followed by more JavaScript.
  const start = text.indexOf('[', text.search(/apiSchema\s*=|=\s*\[/));
  if (start < 0) throw new CliError(`${location}: no API schema array found`, ExitCode.usage);
  const end = matchingBracket(text, start);
  return JSON.parse(text.slice(start, end + 1)) as unknown[];
}

/** Index of the `]` closing the `[` at `start`, skipping over strings. */
function matchingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new CliError('unterminated API schema array', ExitCode.usage);
}

export async function readSource(source: SchemaSource): Promise<unknown[]> {
  let text: string;
  if (/^https?:\/\//.test(source.location)) {
    const res = await fetch(source.location);
    if (!res.ok) throw new CliError(`${source.location}: HTTP ${res.status} ${res.statusText}`, ExitCode.connection);
    text = await res.text();
  } else {
    if (!existsSync(source.location)) throw new CliError(`schema source not found: ${source.location}`, ExitCode.usage);
    text = readFileSync(source.location, 'utf8');
  }
  return parseSchemaText(text, source.location);
}

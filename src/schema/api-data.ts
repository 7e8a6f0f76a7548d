import { CliError, ExitCode } from '../errors';
import { parseSchemaText } from './source';

/**
 * api-viewer data checked before anything is compiled from it (`schema sync`): a server's error page, a cut-off
 * download or some other JSON must be refused naming what was found, not compiled into a schema that lies.
 */
export function parseApiViewerData(text: string, location: string): unknown[] {
  const refuse = (found: string) =>
    new CliError(`${location} is not Proxmox api-viewer data: ${found}`, ExitCode.usage, 'expected apidata.js/apidoc.js from a node, or a JSON array of API paths');
  const head = text.trimStart();
  if (head.length === 0) throw refuse('it is empty');
  if (head.startsWith('<')) {
    const title = /<title[^>]*>([^<]{0,80})/i.exec(head)?.[1]?.trim();
    throw refuse(`found an HTML page${title ? ` ('${title}')` : ''}`);
  }
  if (head.startsWith('{')) {
    let keys: string | undefined;
    try {
      keys = Object.keys(JSON.parse(text) as object).slice(0, 5).join(', ');
    } catch {
      // not even JSON: reported below as cut off
    }
    if (keys !== undefined) throw refuse(`found a JSON object (keys: ${keys || 'none'}), not an array of API paths`);
  }
  let tree: unknown;
  try {
    tree = parseSchemaText(text, location);
  } catch (err) {
    const message = (err as Error).message;
    const why = err instanceof SyntaxError || /unterminated/.test(message) ? 'it ends early or is not valid JSON (truncated?)'
      : /no API schema array/.test(message) ? `found no API array (it starts with '${head.slice(0, 40).replace(/\s+/g, ' ')}')`
      : message;
    throw refuse(`${why} (${text.length} bytes)`);
  }
  if (!Array.isArray(tree)) throw refuse(`found JSON ${typeof tree}, not an array of API paths`);
  if (tree.length === 0) throw refuse('found an empty array');
  const bad = firstBadNode(tree);
  if (bad) throw refuse(bad);
  return tree;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** The first node that is not an API path (`{path: '/…', info: {GET: {…}}, children: […]}`), described. */
function firstBadNode(nodes: unknown[], depth = 0): string | undefined {
  if (depth > 64) return 'found paths nested more than 64 levels deep';
  for (const node of nodes) {
    const n = node as { path?: unknown; info?: unknown; children?: unknown };
    if (!n || typeof n !== 'object' || Array.isArray(n)) return `found an array element of type ${Array.isArray(n) ? 'array' : typeof n}, not an API path`;
    if (typeof n.path !== 'string' || !n.path.startsWith('/')) return `found an element without a 'path' (keys: ${Object.keys(n).slice(0, 5).join(', ') || 'none'})`;
    if (n.info !== undefined) {
      if (typeof n.info !== 'object' || n.info === null) return `${n.path}: 'info' is not an object`;
      for (const [method, op] of Object.entries(n.info)) {
        if (!METHODS.has(method)) return `${n.path}: unknown method '${method}' in 'info'`;
        if (!op || typeof op !== 'object') return `${n.path}: ${method} is not an operation object`;
      }
    }
    if (n.children !== undefined) {
      if (!Array.isArray(n.children)) return `${n.path}: 'children' is not an array`;
      const inner = firstBadNode(n.children, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

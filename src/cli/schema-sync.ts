/**
 * `pvecli schema sync`: a server's own api-viewer data, fetched through the HTTP core (the profile's TLS, proxy and
 * credentials) or read from a file, checked, and compiled with the build's compiler and validator generator into
 * $XDG_CACHE_HOME/pvecli/schema/<product>-<version>/, where it wins over a bundled schema of the same id.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode, UsageError } from '../errors';
import type { Connection } from './connection';
import type { GlobalOptions } from './globals';

/** Where each product serves its API viewer's data (its docs package). */
export const API_VIEWER_PATHS: Record<string, string> = {
  PVE: '/pve-docs/api-viewer/apidata.js',
  PMG: '/pmg-docs/api-viewer/apidata.js',
  PBS: '/docs/api-viewer/apidoc.js',
  PDM: '/docs/api-viewer/apidoc.js',
};

/** api-viewer data is a few MiB; more than this is not it. */
const SOURCE_LIMIT = 64 * 1024 * 1024;

export interface SyncResult {
  id: string;
  source: string;
  operations: number;
  paths: number;
  directory: string;
  /** A synced schema of the same id was there before and is replaced. */
  replaced: boolean;
  /** A bundled schema of the same id exists: the synced one is used instead from now on. */
  overrides_bundled: boolean;
}

const ID_RE = /^(pve|pbs|pmg|pdm)-(\d+(?:\.\d+)*)$/;

export async function syncSchema(globals: GlobalOptions, opts: { from?: string; id?: string }): Promise<SyncResult> {
  if (opts.id !== undefined && !ID_RE.test(opts.id)) throw new UsageError(`--id: '${opts.id}' is not PRODUCT-VERSION`, 'for example --id pve-8.4 (products: pve, pbs, pmg, pdm)');
  const fromFile = opts.from !== undefined && !/^https?:\/\//i.test(opts.from);
  let text: string;
  let source: string;
  let id = opts.id ?? idInName(opts.from);
  if (fromFile) {
    source = opts.from!;
    text = readSourceFile(source);
    if (!id) throw new UsageError(`cannot tell which product and version ${source} describes`, 'name it with --id, for example --id pve-8.4');
  } else {
    const { openConnection } = require('./connection') as typeof import('./connection');
    const connection = await openConnection(globals, { needServer: true });
    try {
      id ??= await serverSchemaId(connection);
      ({ text, source } = await fetchSource(connection, opts.from));
    } finally {
      await connection.close();
    }
  }
  return compileSynced(id, text, source);
}

/** `pve-8.4` from a file name or URL such as `…/pve-8.4.json`. */
function idInName(from: string | undefined): string | undefined {
  const m = from ? /\b(pve|pbs|pmg|pdm)-(\d+(?:\.\d+)*)(?=\.json|\.js|$)/i.exec(from.split(/[\\/]/).pop() ?? '') : undefined;
  return m ? `${m[1].toLowerCase()}-${m[2]}` : undefined;
}

function readSourceFile(path: string): string {
  const { readBounded, BoundedReadError } = require('../util/bounded-read') as typeof import('../util/bounded-read');
  try {
    return readBounded(path, { limit: SOURCE_LIMIT, regularOnly: true });
  } catch (err) {
    if (err instanceof BoundedReadError) throw new UsageError(`--from: cannot read '${path}': ${err.message}`);
    throw err;
  }
}

/** `<product>-<major>.<minor>` of the server, from its `GET /version`. */
async function serverSchemaId(connection: Connection): Promise<string> {
  const reply = await connection.client().request<Record<string, unknown>>({ method: 'GET', path: '/version' });
  const { versionParts } = require('../schema/version') as typeof import('../schema/version');
  const parts = typeof reply?.version === 'string' ? versionParts(reply.version) : undefined;
  if (!parts) throw new CliError(`the server's /version says no version (${JSON.stringify(reply).slice(0, 120)})`, ExitCode.api, 'name the schema with --id, for example --id pve-9.2');
  return `${connection.settings.service.toLowerCase()}-${parts.slice(0, 2).join('.')}`;
}

/** The data at `from` (a URL), or at the product's api-viewer path of the current target, through the HTTP core. */
async function fetchSource(connection: Connection, from: string | undefined): Promise<{ text: string; source: string }> {
  const { readText } = require('../http') as typeof import('../http');
  const { cliErrorOf, ApiError, exitCodeOfStatus } = require('./http-errors') as typeof import('./http-errors');
  let client = connection.client();
  let path = API_VIEWER_PATHS[connection.settings.service] ?? API_VIEWER_PATHS.PVE;
  let source = `${connection.settings.url}${connection.settings.pathPrefix}${path}`;
  let other: import('../http').ApiClient | undefined;
  if (from) {
    const url = new URL(from);
    source = from;
    path = url.pathname + url.search;
    if (url.origin !== new URL(connection.settings.url).origin) {
      // Another host: this profile's TLS and proxy settings, no credentials (api-viewer data is a public page).
      const { createCliClient } = require('./api-client') as typeof import('./api-client');
      const { tokenId: _t, tokenSecret: _s, username: _u, password: _p, passwordPrompt: _q, fingerprint: _f, ...rest } = connection.settings;
      other = client = createCliClient({ ...rest, url: url.origin, pathPrefix: '' });
    } else if (connection.settings.pathPrefix && path.startsWith(connection.settings.pathPrefix)) {
      path = path.slice(connection.settings.pathPrefix.length);
    }
  }
  try {
    const reply = await client.exchange({ method: 'GET', path, outsideApi: true, headers: { accept: '*/*' } });
    const ok = reply.status < 300;
    const text = await readText(reply, ok ? SOURCE_LIMIT : 1 << 16, !ok, `GET ${source}`).catch((e: unknown) => {
      throw cliErrorOf(e);
    });
    if (!ok) throw new ApiError(`GET ${source}: ${reply.status} ${reply.reason}`, exitCodeOfStatus(reply.status), reply.status, {});
    return { text, source };
  } finally {
    await other?.close();
  }
}

/** Check, compile and generate validators into a temp dir, then rename it into place (nothing half-written). */
async function compileSynced(id: string, text: string, source: string): Promise<SyncResult> {
  const { parseApiViewerData } = require('../schema/api-data') as typeof import('../schema/api-data');
  const tree = parseApiViewerData(text, source);
  const { compileInto, familyMaxima, removeAbandonedBuilds } = require('../schema/build') as typeof import('../schema/build');
  const { generateValidators } = require('../params/build-step') as typeof import('../params/build-step');
  const { syncedSchemaRoot } = require('../schema/synced-root') as typeof import('../schema/synced-root');
  const { schemaLocation, schemaRoot } = require('../schema/load') as typeof import('../schema/load');
  const { packageRoot } = require('../util/package-root') as typeof import('../util/package-root');
  const root = syncedSchemaRoot();
  const before = schemaLocation(id)?.origin;
  removeAbandonedBuilds(root);
  const compiled = await compileInto(root, id, tree, familyMaxima(packageRoot()), [generateValidators]);
  return {
    id,
    source,
    operations: compiled.index.operations,
    paths: compiled.index.paths,
    directory: join(root, id),
    replaced: before === 'synced',
    overrides_bundled: existsSync(join(schemaRoot(), id, 'index.json')),
  };
}

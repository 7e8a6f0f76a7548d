/**
 * Which schema a run validates against (DESIGN.md §2): --schema, else PVECLI_SCHEMA, else the profile's `schema`,
 * else the match cached for the target (what its `GET /version` said, a day at most), else, for a run that talks
 * to the server anyway, the match made now with one `GET /version`; with none of these, the newest schema of the
 * profile's product (PROXMOX_API_SERVICE=PBS → pbs-4), or pve-9.2.
 */
import type { Connection } from './connection';
import type { GlobalOptions } from './globals';
import type { SchemaMatch } from '../config/schema-match';
import { loadSchema, type Schema } from '../schema/load';
import type { ApiError } from './http-errors';
import { warn } from './io';
import { ExitCode } from '../errors';

export type SchemaChoiceSource = 'flag' | 'environment' | 'profile' | 'matched' | 'default';

export interface SchemaChoice {
  /** undefined: the default schema (pve-9.2). */
  id?: string;
  source: SchemaChoiceSource;
  match?: SchemaMatch;
}

/** What the match needs of the selected target, read without secrets or a server. */
interface Target {
  kind: 'remote' | 'mock';
  url: string;
  fingerprint?: string;
  product: string;
  cacheDir: string;
  profileSchema?: string;
}

function targetOf(globals: GlobalOptions): Target | undefined {
  const { selectConnection, normalizeUrl } = require('../config') as typeof import('../config');
  const select = (profile: string | undefined): Target => {
    const { kind, picked } = selectConnection({ profile, schema: globals.schema, tlsFingerprint: globals.tlsFingerprint }, process.env, () => undefined);
    const url = picked.url?.value ? normalizeUrl(String(picked.url.value), undefined, picked.service.value) : '';
    return {
      kind,
      url,
      fingerprint: picked.fingerprint?.value === undefined ? undefined : String(picked.fingerprint.value),
      product: String(picked.service?.value ?? 'PVE').toLowerCase(),
      cacheDir: String(picked.cacheDir.value),
      profileSchema: picked.schema?.value === undefined ? undefined : String(picked.schema.value),
    };
  };
  try {
    return select(globals.profile);
  } catch {
    // Before the operation is known, `--profile X` may be a PMG LDAP operation's own parameter (DESIGN.md §3):
    // then the profile comes from PVECLI_PROFILE or the file, as it will for the request. Offline commands must
    // not fail on a selection problem: the request, if any, reports it.
    try {
      return globals.profile === undefined ? undefined : select(undefined);
    } catch {
      return undefined;
    }
  }
}

function cachedMatch(target: Target): SchemaMatch | undefined {
  if (target.kind !== 'remote' || !target.url) return undefined;
  const { readSchemaMatch } = require('../config/schema-match') as typeof import('../config/schema-match');
  return readSchemaMatch(target.cacheDir, target);
}

/** The choice without a server: explicit settings, else a cached match, else the product's newest schema. */
export function chooseSchema(globals: GlobalOptions): SchemaChoice {
  if (globals.schema) return { id: globals.schema, source: 'flag' };
  if (process.env.PVECLI_SCHEMA) return { id: process.env.PVECLI_SCHEMA, source: 'environment' };
  const target = targetOf(globals);
  if (!target) return { source: 'default' };
  if (target.profileSchema) return { id: target.profileSchema, source: 'profile' };
  const match = cachedMatch(target);
  if (match && usable(match.schema)) return { id: match.schema, source: 'matched', match };
  return { id: target.product === 'pve' ? undefined : target.product, source: 'default' };
}

/** A cached pick whose schema was since removed (a synced one deleted) is made again. */
function usable(id: string): boolean {
  return Boolean((require('../schema/load') as typeof import('../schema/load')).schemaLocation(id));
}

/**
 * For a run that sends a request: the choice above, and on a cold cache the match made now (one `GET /version`,
 * then cached). A server that answers /version with an error status or no version leaves the default in place,
 * uncached; one that cannot be reached (or a login that fails) fails the run when it connects, as it would have.
 */
export async function schemaForRequest(globals: GlobalOptions): Promise<Schema> {
  const { openConnection, handOverConnection, releaseHandedOver } = require('./connection') as typeof import('./connection');
  await releaseHandedOver();
  const choice = chooseSchema(globals);
  if (choice.source !== 'default' || globals.dryRun) return loadSchema(choice.id);
  const target = targetOf(globals);
  if (!target || target.kind !== 'remote' || !target.url) return loadSchema(choice.id);
  let connection: Connection | undefined;
  try {
    connection = await openConnection(globals, { needServer: true });
    const match = await matchServer(connection);
    if (match?.note && !globals.quiet) warn(match.note);
    // The run goes on over this connection: the match costs one request, not a second handshake or login.
    handOverConnection(globals, { connection });
    return loadSchema(match?.schema ?? choice.id);
  } catch (failure) {
    await connection?.close();
    if ((failure as { exitCode?: number }).exitCode === ExitCode.interrupted) throw failure;
    // Unreachable, refused credentials, a bad setting: the run's own checks come first, then it fails as its
    // request would have (without a second wait on a dead address).
    handOverConnection(globals, { failure });
    return loadSchema(choice.id);
  }
}

/**
 * Ask the server its version, pick the nearest schema of its product and cache the pick for the target. undefined
 * when the server did not say (an error status, a reply without a version).
 */
export async function matchServer(connection: Connection): Promise<SchemaMatch | undefined> {
  let reply: Record<string, unknown> | undefined;
  try {
    reply = await connection.client().request<Record<string, unknown>>({ method: 'GET', path: '/version' });
  } catch (err) {
    // A reply with an error status, 401 included (duck-typed: modules loaded twice under the tests make
    // instanceof unreliable): no match; the run's own request gets its own answer.
    if (typeof (err as Partial<ApiError>).status === 'number') return undefined;
    throw err;
  }
  return matchVersionReply(connection, reply ?? {});
}

/** The match for a `/version` reply already read (`profile verify` reads it anyway), cached for a remote target. */
export function matchVersionReply(connection: Pick<Connection, 'settings' | 'kind'>, reply: Record<string, unknown>): SchemaMatch | undefined {
  const { settings } = connection;
  const version = typeof reply.version === 'string' ? reply.version : typeof reply.release === 'string' ? reply.release : undefined;
  if (!version) return undefined;
  const product = settings.service.toLowerCase();
  const { pickSchema } = require('../schema/version') as typeof import('../schema/version');
  const { availableSchemas } = require('../schema/load') as typeof import('../schema/load');
  const pick = pickSchema(product, version, availableSchemas());
  if (!pick) return undefined;
  const { writeSchemaMatch } = require('../config/schema-match') as typeof import('../config/schema-match');
  const entry = { url: settings.url, fingerprint: settings.fingerprint, product, version, schema: pick.id, note: pick.note };
  if (connection.kind !== 'remote') return { ...entry, fingerprint: '', matchedAt: Date.now() };
  return writeSchemaMatch(settings.cacheDir, entry);
}

/** `profile verify`'s line: the schema runs will use for this server, and why. */
export function describeSchemaChoice(globals: GlobalOptions, connection: Pick<Connection, 'settings' | 'kind'>, reply: Record<string, unknown>): string | undefined {
  const choice = chooseSchema(globals);
  if (choice.source === 'flag' || choice.source === 'environment' || choice.source === 'profile') {
    const why = { flag: '--schema', environment: 'PVECLI_SCHEMA', profile: `profile ${connection.settings.profile}` }[choice.source];
    return `${choice.id} (set by ${why})`;
  }
  const match = matchVersionReply(connection, reply);
  if (!match) return `${loadSchema(choice.id).id} (default: the server's version is not known)`;
  return `${match.schema} (matched to ${match.product.toUpperCase()} ${match.version}${match.note ? `; ${match.note}` : ''})`;
}

/** Every cached match still within its day (`schema list` shows which targets use which schema). */
export function cachedMatches(): SchemaMatch[] {
  const { cacheDir } = require('../config/paths') as typeof import('../config/paths');
  const { readSchemaMatches } = require('../config/schema-match') as typeof import('../config/schema-match');
  return Object.values(readSchemaMatches(cacheDir()));
}

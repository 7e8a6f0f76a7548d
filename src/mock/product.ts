/**
 * The mock in the mode of the product whose schema it serves (`mock serve --schema pbs-4`): what differs between
 * Proxmox VE, Backup Server, Mail Gateway and Datacenter Manager at the edges a client sees — the `/version`
 * reply, the token header and ticket cookie, the UPID layout, the default port. Everything else (the schema-driven
 * replies, the users, ACLs and tasks) is the PVE mock's model, served over the product's schema.
 */
import type { Schema } from '../schema/load';
import type { HandlerTable } from './handlers/context';
import { login, type AuthNaming } from './auth';

export type ProductName = 'PVE' | 'PBS' | 'PMG' | 'PDM';

/** The parts of a UPID; `taskId` appears only in the Rust products' (PBS, PDM) layout. */
export interface UpidParts {
  node: string;
  pid: number;
  pstart: number;
  taskId: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
}

export interface MockProduct {
  name: ProductName;
  auth: AuthNaming;
  /** The port the product's API listens on. */
  port: number;
  upid(parts: UpidParts): string;
  /** Handlers that differ from the PVE mock's, keyed like HANDLERS. */
  handlers: HandlerTable;
  /**
   * An operation the schema gives no permissions is root@pam's alone (PVE's and PMG's rule). Backup Server and
   * Datacenter Manager check permissions in Rust code the mock does not simulate: there it is open to any
   * authenticated caller (README: product mode).
   */
  rootOnlyWithoutPermissions: boolean;
}

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** Perl's layout (PVE, PMG): UPID:node:pid:pstart:starttime:type:id:user: */
const perlUpid = (u: UpidParts) => `UPID:${u.node}:${hex8(u.pid)}:${hex8(u.pstart)}:${hex8(u.starttime)}:${u.type}:${u.id}:${u.user}:`;
/** proxmox-rest-server's layout (PBS, PDM): a task id between pstart and starttime. */
const rustUpid = (u: UpidParts) => `UPID:${u.node}:${hex8(u.pid)}:${hex8(u.pstart)}:${hex8(u.taskId)}:${hex8(u.starttime)}:${u.type}:${u.id}:${u.user}:`;

const REPOID = '8f9e2c1a4b7d6e30';

/**
 * `/version` as each product answers it: PVE the pve-manager version and the point release, PMG the pmg-api
 * package version, PBS and PDM `major.minor` with the package release apart.
 */
function versionReply(name: ProductName, version: string): Record<string, string> {
  const [major, minor = '0'] = version.split('.');
  switch (name) {
    case 'PVE':
      return { version: `${major}.${minor}.0`, release: `${major}.${minor}`, repoid: REPOID, console: 'html5' };
    case 'PMG':
      return { version: `${major}.${minor}-1`, release: `${major}.${minor}`, repoid: REPOID };
    default:
      return { version: `${major}.${minor}`, release: '1', repoid: REPOID };
  }
}

const NAMING: Record<ProductName, AuthNaming & { port: number }> = {
  PVE: { tokenPrefix: 'PVEAPIToken', tokenSeparator: '=', cookie: 'PVEAuthCookie', ticketPrefix: 'PVE', port: 8006 },
  PMG: { tokenPrefix: 'PMGAPIToken', tokenSeparator: '=', cookie: 'PMGAuthCookie', ticketPrefix: 'PMG', port: 8006 },
  PBS: { tokenPrefix: 'PBSAPIToken', tokenSeparator: ':', cookie: 'PBSAuthCookie', ticketPrefix: 'PBS', port: 8007 },
  PDM: { tokenPrefix: 'PDMAPIToken', tokenSeparator: ':', cookie: 'PDMAuthCookie', ticketPrefix: 'PDM', port: 8443 },
};

export function productName(schemaId: string): ProductName {
  const name = schemaId.split('-')[0].toUpperCase();
  return name in NAMING ? (name as ProductName) : 'PVE';
}

/** The default port of the product a schema id names (`pbs-4` → 8007). */
export function productPort(schemaId: string): number {
  return NAMING[productName(schemaId)].port;
}

export function mockProduct(schema: Schema): MockProduct {
  const name = productName(schema.id);
  const { port, ...auth } = NAMING[name];
  const reply = versionReply(name, schema.index.version);
  return {
    name,
    auth,
    port,
    upid: name === 'PBS' || name === 'PDM' ? rustUpid : perlUpid,
    rootOnlyWithoutPermissions: name === 'PVE' || name === 'PMG',
    // PVE keeps the hand-written login (handlers/access.ts); the others sign and read their own tickets.
    handlers: name === 'PVE' ? { 'GET /version': () => reply } : { 'GET /version': () => reply, 'POST /access/ticket': (ctx) => login(ctx.state, ctx.args, auth) },
  };
}

/**
 * Who may use the gateway's upstream credentials (DESIGN.md §8). A request with its own Proxmox credentials goes
 * upstream with them, unchanged; one without gets the gateway's only from a trusted address or with a gateway key.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** `own`: the client's credentials pass; `gateway`: the gateway's are added; `refused`: 401. */
export type Access = 'own' | 'gateway' | 'refused';

export interface AccessPolicy {
  trusted(address: string): boolean;
  /** Whether a Bearer key is one of PVECLI_GATEWAY_KEYS. */
  keyMatches(key: string): boolean;
}

const TOKEN_AUTH = /^(PVE|PBS|PMG|PDM)APIToken[= ]/;
const TICKET_COOKIE = /(^|;)\s*(PVE|PBS|PMG|PDM)AuthCookie=/;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The login itself carries its credentials in the body. */
const LOGIN_PATH = '/access/ticket';

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join('; ') : (value ?? ''));

export function hasOwnCredentials(headers: IncomingHttpHeaders, apiPath: string): boolean {
  return TOKEN_AUTH.test(one(headers.authorization)) || TICKET_COOKIE.test(one(headers.cookie)) || apiPath === LOGIN_PATH;
}

export function accessOf(policy: AccessPolicy, headers: IncomingHttpHeaders, remoteAddress: string, apiPath: string): Access {
  if (hasOwnCredentials(headers, apiPath)) return 'own';
  const bearer = BEARER.exec(one(headers.authorization));
  if (bearer) return policy.keyMatches(bearer[1]) ? 'gateway' : 'refused';
  return policy.trusted(remoteAddress) ? 'gateway' : 'refused';
}

/** Client headers that go upstream: the content's description, and the client's own credentials (never a Bearer key). */
const PASSED = ['accept', 'accept-language', 'content-type'];
const CREDENTIALS = ['authorization', 'cookie', 'csrfpreventiontoken'];

export function upstreamHeaders(headers: IncomingHttpHeaders, access: Access): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of access === 'own' ? [...PASSED, ...CREDENTIALS] : PASSED) {
    const value = headers[name];
    if (value !== undefined) out[name] = one(value);
  }
  return out;
}

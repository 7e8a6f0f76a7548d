/** CORS as the seed configures it (`CORS_ORIGINS`, comma-separated; `*` for any): browsers on those origins may call. */
import type { IncomingHttpHeaders } from 'node:http';
import { type Reply, errorReply } from '../server';

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';

export interface Cors {
  /** The reply to a preflight (OPTIONS with Access-Control-Request-Method), or undefined for other requests. */
  preflight(method: string, headers: IncomingHttpHeaders): Reply | undefined;
  /** The reply with CORS headers added when the request's origin is allowed. */
  decorate(headers: IncomingHttpHeaders, reply: Reply): Reply;
}

export function createCors(origins: string[]): Cors {
  const any = origins.includes('*');
  const allowed = (origin: string | undefined): origin is string => origin !== undefined && (any || origins.includes(origin));
  const headersFor = (origin: string) => ({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
  return {
    preflight(method, headers) {
      if (method !== 'OPTIONS' || headers.origin === undefined || headers['access-control-request-method'] === undefined) return undefined;
      if (!allowed(headers.origin)) return errorReply(400, 'Disallowed CORS origin');
      return {
        status: 200,
        raw: Buffer.alloc(0),
        headers: {
          ...headersFor(headers.origin),
          'Access-Control-Allow-Methods': ALLOWED_METHODS,
          'Access-Control-Allow-Headers': String(headers['access-control-request-headers'] ?? 'Authorization, Content-Type, CSRFPreventionToken'),
          'Access-Control-Max-Age': '600',
        },
      };
    },
    decorate(headers, reply) {
      const origin = headers.origin;
      if (!allowed(origin)) return reply;
      return { ...reply, headers: { ...reply.headers, ...headersFor(origin) } };
    },
  };
}

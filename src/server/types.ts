import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Reply } from './reply';

/** What a handler sees of a request. */
export interface ServerRequest {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  /** The path, not decoded. */
  path: string;
  /** The query string without '?', not decoded ('' when none). */
  query: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** The body, cut off with a 413 RequestError past the server's limit. What a handler leaves unread is discarded. */
  readonly body: Readable;
}

/** The one interface the mock and the gateway plug into: a request in, a reply out. Throw an RequestError to refuse. */
export type Handler = (req: ServerRequest) => Reply | Promise<Reply>;

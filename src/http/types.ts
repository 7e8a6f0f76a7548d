import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { HttpMethod } from '../schema/types';
import type { CachedTicket } from './ticket';

/** One API call whose reply's `data` is wanted. */
export interface ApiRequest {
  method: HttpMethod;
  /** Concrete API path, e.g. /nodes/pve/status, without /api2/json. Raw (not percent-encoded). */
  path: string;
  /** Wire-encoded parameter values; arrays become repeated keys. */
  params?: Record<string, string | string[]>;
  /** Send a JSON body instead of a form. */
  json?: boolean;
  /** A body made by the caller (a multipart upload) instead of `params`: sent with its length, never resent. */
  body?: { contentType: string; length: number; stream: Readable };
  /** Seconds for this exchange instead of the settings' timeout (0: none, as for an upload of any size). */
  timeoutS?: number;
  signal?: AbortSignal;
}

/** One exchange as a forwarding server needs it: the caller encodes, the core authenticates and sends. */
export interface ExchangeRequest {
  method: string;
  /** Concrete API path without /api2/json. Raw (not percent-encoded). */
  path: string;
  /** Encoded query string without '?'. */
  query?: string;
  /** A page of the server outside the API (`/pve-docs/api-viewer/apidata.js`): no `/api2/json` before the path. */
  outsideApi?: boolean;
  /** Extra headers (content-type, accept …); the core adds host, authentication and content-length for text. */
  headers?: Record<string, string>;
  /** A stream is sent as is (give its content-length in `headers`: Proxmox takes no chunked bodies) and never resent. */
  body?: string | Buffer | Readable;
  signal?: AbortSignal;
}

/** A reply at its head: the body still streams. Read it to the end or destroy it. */
export interface ExchangeReply {
  status: number;
  /** The HTTP reason phrase: Proxmox puts its error message here. */
  reason: string;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** What the core may ask of its caller; each is optional, and without it the core never waits on a person. */
export interface ClientHooks {
  /** One line per request/reply (method, URL, status, ms), secrets redacted. */
  trace?: (line: string) => void;
  /**
   * With `trace`: the exchange's detail, one line each: `> ` request line, headers and body, `< ` reply headers
   * and body (credentials redacted, bodies cut at 4 KiB with the total named). Reply bodies are traced as read.
   */
  traceDetail?: (line: string) => void;
  warn?: (line: string) => void;
  /** The caller's name for what turned certificate verification off (`--insecure`), named in the warning. */
  insecureBecause?: string;
  /** The caller's hint for a 401 without details: where to check the credentials it sent. */
  credentialsHint?: string;
  /** Where login tickets are kept between runs; in memory when absent (one process, shared by all requests). */
  tickets?: TicketStore;
  /** Ask a person for a second-factor code; without it a missing PROXMOX_API_OTP is an auth error. */
  askSecondFactor?: (question: { type: string; label: string; username: string }) => Promise<string>;
  /** Ask whether to trust an unknown certificate (trust on first use); true → used for this client from then on. */
  trustCertificate?: (certificate: { where: string; fingerprint: string; reason: string }) => Promise<boolean>;
}

export interface TicketStore {
  read(match: { url: string; service: string; username: string }): CachedTicket | undefined;
  write(ticket: CachedTicket): void;
  remove(): void;
}

export interface ApiClient {
  /** Sends the request and returns the reply's `data`. Failures are HttpErrors. */
  request<T = unknown>(req: ApiRequest): Promise<T>;
  /** One authenticated exchange (retried when safe); error statuses are replies here, not errors. */
  exchange(req: ExchangeRequest): Promise<ExchangeReply>;
  /**
   * For a protocol upgrade (a console's websocket) spoken by the caller: a connection opened and trusted as requests
   * are (proxy, TLS policy), the URL of `path` and `query`, and the credentials the upgrade request must carry.
   */
  upgradeTarget(path: string, query: string, signal?: AbortSignal): Promise<UpgradeTarget>;
  close(): Promise<void>;
}

export interface UpgradeTarget {
  socket: Duplex;
  url: URL;
  /** Authentication (token header or ticket cookie) and user agent. */
  headers: Record<string, string>;
}

/** One HTTP exchange as the transport sees it. */
export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
  /** Absent when nothing bounds the exchange (no time limit, no caller signal). */
  signal?: AbortSignal;
}

export type WireReply = ExchangeReply;

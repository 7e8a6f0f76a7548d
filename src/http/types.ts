import type { IncomingHttpHeaders } from 'node:http';
import type { HttpMethod } from '../schema/types';

/** One API call as the CLI asks for it. */
export interface ApiRequest {
  method: HttpMethod;
  /** Concrete API path, e.g. /nodes/pve/status, without /api2/json. Raw (not percent-encoded). */
  path: string;
  /** Wire-encoded parameter values; arrays become repeated keys. */
  params?: Record<string, string | string[]>;
  /** Send a JSON body instead of a form. */
  json?: boolean;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** --trace: one line per request/reply (method, URL, status, ms), secrets redacted. */
  trace?: (line: string) => void;
  /** A TTY: may prompt for an OTP or trust-on-first-use. */
  interactive?: boolean;
  /** Save a fingerprint the user chose to trust (TOFU). */
  onTrustFingerprint?: (fp: string) => Promise<void>;
  warn?: (line: string) => void;
}

export interface ApiClient {
  /** Sends the request and returns the reply's `data`. Failures are CliErrors with DESIGN.md §4 exit codes. */
  request<T = unknown>(req: ApiRequest): Promise<T>;
  close(): Promise<void>;
}

/** One HTTP exchange as the transport sees it. */
export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface WireResponse {
  status: number;
  /** The HTTP reason phrase: Proxmox puts its error message here. */
  reason: string;
  headers: IncomingHttpHeaders;
  body: string;
}

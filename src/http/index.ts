/**
 * The one HTTP core (DESIGN.md §6), a library for the CLI and the gateway alike: URL and parameter encoding,
 * token/ticket/TFA auth, TLS verification and pinning, proxies, timeouts and safe retries. It never prompts, prints
 * or opens a file: prompts, the ticket store and trace output are the caller's hooks; errors carry a kind.
 */
export type { ApiClient, ApiRequest, ClientHooks, ExchangeReply, ExchangeRequest, TicketStore } from './types';
export type { ConnectionSettings, Service } from './settings';
export type { CachedTicket } from './ticket';
export { createClient, readText, replyData } from './client';
export { encodeParams as encodeQuery } from './url';
export { multipartBody, type MultipartBody, type MultipartFile } from './multipart-body';
export { describeRequest, type DescribedRequest } from './describe';
export { HttpError, type HttpErrorKind } from './errors';
export { normalizeFingerprint } from './tls';
export { memoryTicketStore } from './ticket';
export { fetchPeerCertificate, type PeerCertificate } from './peer-certificate';

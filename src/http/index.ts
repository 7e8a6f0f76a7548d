/**
 * The one HTTP core (DESIGN.md §6): URL and parameter encoding, token/ticket/TFA auth, TLS verification and
 * pinning, proxies, timeouts, safe retries and error mapping to the exit codes of §4.
 */
export type { ApiClient, ApiRequest, ClientOptions } from './types';
export { createClient } from './client';
export { describeRequest, type DescribedRequest } from './describe';
export { ApiError } from './errors';
export { normalizeFingerprint } from './tls';

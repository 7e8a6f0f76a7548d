import { CliError, ExitCode } from '../errors';
import { CertificateTrustError } from './tls';
import { ProxyError, describeSocketError } from './proxy';
import type { WireResponse } from './types';

/** A failure before any HTTP byte was exchanged: DNS, TCP, TLS handshake, or the connect timeout. */
export class ConnectError extends Error {
  constructor(
    readonly phase: 'connect' | 'tls' | 'timeout',
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** An API error reply, with Proxmox's message and per-parameter errors kept for renderers. */
export class ApiError extends CliError {
  constructor(
    message: string,
    exitCode: number,
    readonly status: number,
    readonly paramErrors: Record<string, string>,
    hint?: string,
  ) {
    super(message, exitCode, hint);
    this.name = 'ApiError';
  }
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

/** Names what failed while connecting: `err` came from the socket before its handshake finished. */
export function classifyConnectFailure(err: NodeJS.ErrnoException, where: string, viaProxy: boolean): ConnectError {
  const proxyNote = viaProxy ? ' (through the proxy tunnel)' : '';
  if (err.code && SOCKET_CODES.has(err.code)) {
    return new ConnectError('connect', `cannot connect to ${where}: ${describeSocketError(err)}`, err.code);
  }
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
    return new ConnectError('tls', `TLS handshake with ${where} failed: connection reset${proxyNote}`, err.code);
  }
  return new ConnectError('tls', `TLS handshake with ${where} failed${proxyNote}: ${err.message}`, err.code);
}

/** Errors that a GET may be retried on: the connection broke, not the server's answer. */
export function isConnectionReset(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || (err as Error)?.message === 'socket hang up';
}

export function certificateError(err: CertificateTrustError, where: string): CliError {
  if (err.kind === 'mismatch') {
    return new CliError(
      `TLS certificate of ${where} does not match the pinned fingerprint: the server presented ${err.fingerprint}`,
      ExitCode.connection,
      'if the server certificate was renewed on purpose, pin the new fingerprint with --tls-fingerprint or PROXMOX_API_FINGERPRINT',
    );
  }
  return new CliError(
    `TLS certificate of ${where} is not trusted (${err.reason}); its SHA-256 fingerprint is ${err.fingerprint}`,
    ExitCode.connection,
    `if you trust it, pin it: --tls-fingerprint ${err.fingerprint} or PROXMOX_API_FINGERPRINT=${err.fingerprint} ` +
      '(or trust its CA with --ca-file, or skip verification with --insecure)',
  );
}

/** Maps a failed exchange (no reply) to a CliError with the exit codes of DESIGN.md §4. */
export function transportError(err: unknown, ctx: { where: string; label: string; timeoutS: number; timedOut: boolean }): CliError {
  if (err instanceof CliError) return err;
  if (ctx.timedOut) {
    return new CliError(`request timed out after ${ctx.timeoutS} s: ${ctx.label}`, ExitCode.timeout, 'raise the limit with --request-timeout or PROXMOX_API_TIMEOUT');
  }
  if (err instanceof CertificateTrustError) return certificateError(err, ctx.where);
  if (err instanceof ProxyError) return new CliError(err.message, ExitCode.connection, 'check the proxy setting (PROXMOX_API_HTTPS_PROXY, HTTPS_PROXY, NO_PROXY or the profile\'s proxy)');
  if (err instanceof ConnectError) {
    // A connect timeout is a connection failure (3), not a request timeout (9): nothing reached the server.
    return new CliError(err.message, ExitCode.connection, err.phase === 'timeout' ? 'raise the limit with PROXMOX_API_CONNECT_TIMEOUT' : undefined);
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new CliError(`interrupted: ${ctx.label}`, ExitCode.interrupted);
  if (isConnectionReset(e)) return new CliError(`connection to ${ctx.where} was reset during ${ctx.label}`, ExitCode.connection);
  return new CliError(`connection to ${ctx.where} failed during ${ctx.label}: ${e?.message ?? String(err)}`, ExitCode.connection);
}

interface ErrorBody {
  errors?: Record<string, unknown>;
  message?: unknown;
}

/** Maps an error reply (status ≥ 400) to an ApiError: 401→4, 403→5, 404→6, others→7. */
export function replyError(res: WireResponse, label: string): ApiError {
  let body: ErrorBody = {};
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object') body = parsed as ErrorBody;
  } catch {
    // Not JSON: the reason phrase carries the message.
  }
  const paramErrors: Record<string, string> = {};
  if (body.errors && typeof body.errors === 'object') {
    for (const [name, msg] of Object.entries(body.errors)) paramErrors[name] = String(msg).trim();
  }
  const bodyMessage = typeof body.message === 'string' ? body.message.trim() : '';
  const reason = bodyMessage || res.reason.trim() || `HTTP ${res.status}`;
  const paramLines = Object.entries(paramErrors).map(([name, msg]) => `${name}: ${msg}`);
  const message = `${reason} (${res.status}, ${label})`;
  const hint = paramLines.length ? paramLines.join('\n') : undefined;
  const code =
    res.status === 401 ? ExitCode.auth : res.status === 403 ? ExitCode.forbidden : res.status === 404 ? ExitCode.notFound : ExitCode.api;
  return new ApiError(message, code, res.status, paramErrors, hint);
}

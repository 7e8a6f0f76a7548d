import { CertificateTrustError } from './tls';
import { ProxyError, describeSocketError } from './proxy';
import { bodyMessage } from './reply-message';

/**
 * What went wrong, in the core's terms. Callers decide what a kind means to them: the CLI maps kinds to exit
 * codes (src/cli/http-errors.ts), a gateway to HTTP statuses.
 */
export type HttpErrorKind =
  /** The settings cannot work (bad fingerprint, CA bundle or proxy URL, no password to log in): nothing was sent. */
  | 'settings'
  /** DNS, TCP, the proxy tunnel or the TLS handshake failed, or the connection broke before a reply. */
  | 'connect'
  | 'connect-timeout'
  | 'proxy'
  /** The server's certificate is not trusted (`fingerprint` says which one it presented). */
  | 'certificate-untrusted'
  /** The server's certificate does not match the pinned fingerprint. */
  | 'certificate-mismatch'
  /** The whole exchange took longer than the settings allow. */
  | 'timeout'
  /** The caller's signal aborted the exchange. */
  | 'interrupted'
  /** 401, a failed login, or a second factor that failed or cannot be given. */
  | 'auth'
  /** An error reply (status ≥ 400, other than 401): `status`, the server's message, `paramErrors`. */
  | 'reply'
  /** A reply that is not the API's JSON. */
  | 'protocol'
  /** A reply larger than `maxReplyBytes`, or JSON nested deeper than any API reply is: not read further. */
  | 'too-large';

export class HttpError extends Error {
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    readonly details: {
      /** HTTP status, when there was a reply. */
      status?: number;
      /** Proxmox's per-parameter messages of a 400. */
      paramErrors?: Record<string, string>;
      /** The certificate the server presented (certificate kinds). */
      fingerprint?: string;
      /** Advice that holds for any caller of the core (environment variables, not command-line flags). */
      hint?: string;
      /** The server's own message of an error reply, without the status and request added (for matching it). */
      serverMessage?: string;
      /** The socket-level cause, for the retry decision. */
      cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get paramErrors(): Record<string, string> {
    return this.details.paramErrors ?? {};
  }
}

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
  return (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (err as Error)?.message === 'socket hang up' ||
    (err as Error)?.message === 'aborted'
  );
}

/** Maps a failed exchange (no complete reply) to an HttpError. */
export function transportError(err: unknown, ctx: { where: string; label: string; timeoutS: number; timedOut: boolean }): HttpError {
  if (err instanceof HttpError) return err;
  if (ctx.timedOut) return new HttpError('timeout', `request timed out after ${ctx.timeoutS} s: ${ctx.label}`, { cause: err });
  if (err instanceof CertificateTrustError) {
    if (err.kind === 'mismatch') {
      return new HttpError(
        'certificate-mismatch',
        `TLS certificate of ${ctx.where} does not match the pinned fingerprint: the server presented ${err.fingerprint}`,
        { fingerprint: err.fingerprint, cause: err },
      );
    }
    return new HttpError(
      'certificate-untrusted',
      `TLS certificate of ${ctx.where} is not trusted (${err.reason}); its SHA-256 fingerprint is ${err.fingerprint}`,
      { fingerprint: err.fingerprint, cause: err },
    );
  }
  if (err instanceof ProxyError) return new HttpError('proxy', err.message, { cause: err });
  if (err instanceof ConnectError) {
    // A connect timeout is a connection failure, not a request timeout: nothing reached the server.
    return new HttpError(err.phase === 'timeout' ? 'connect-timeout' : 'connect', err.message, { cause: err });
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new HttpError('interrupted', `interrupted: ${ctx.label}`, { cause: err });
  if (isConnectionReset(e)) return new HttpError('connect', `connection to ${ctx.where} was reset during ${ctx.label}`, { cause: err });
  return new HttpError('connect', `connection to ${ctx.where} failed during ${ctx.label}: ${e?.message ?? String(err)}`, { cause: err });
}

/**
 * Maps an error reply (status ≥ 400) to an HttpError: the body's message when it has one (Proxmox's `message`,
 * FastAPI's `detail`, a text body's first line), else the reason phrase (where Proxmox puts its message).
 */
export function replyError(res: { status: number; reason: string; body: string; contentType?: string }, label: string): HttpError {
  const { message, paramErrors } = bodyMessage(res.body, res.contentType);
  // The reason phrase and `errors` stay exact, as Proxmox sent them: the terminal shows their controls escaped.
  const said = message ?? (res.reason.trim() || `HTTP ${res.status}`);
  const paramLines = Object.entries(paramErrors).map(([name, msg]) => `${name}: ${msg}`);
  return new HttpError(res.status === 401 ? 'auth' : 'reply', `${said} (${res.status}, ${label})`, {
    status: res.status,
    paramErrors,
    serverMessage: said,
    hint: paramLines.length ? paramLines.join('\n') : undefined,
  });
}

import { CliError, ExitCode } from '../errors';
import type { HttpError, HttpErrorKind } from '../http/errors';
import { saysNotFound } from '../http/not-found';

/** An API error reply as the CLI reports it: the exit code of DESIGN.md §4, the status and per-parameter messages kept for renderers. */
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

const EXIT_BY_KIND: Record<HttpErrorKind, number> = {
  settings: ExitCode.usage,
  connect: ExitCode.connection,
  'connect-timeout': ExitCode.connection,
  proxy: ExitCode.connection,
  'certificate-untrusted': ExitCode.connection,
  'certificate-mismatch': ExitCode.connection,
  timeout: ExitCode.timeout,
  interrupted: ExitCode.interrupted,
  auth: ExitCode.auth,
  reply: ExitCode.api,
  protocol: ExitCode.api,
  'too-large': ExitCode.api,
};

/**
 * DESIGN.md §4 for a reply: 401→4, 403→5, 404→6, and 6 too for Proxmox's HTTP 500 that says the object does not
 * exist (`serverMessage`, matched by src/http/not-found.ts); any other error status→7.
 */
export function exitCodeOfStatus(status: number, serverMessage = ''): number {
  if (status === 401) return ExitCode.auth;
  if (status === 403) return ExitCode.forbidden;
  if (status === 404 || (status === 500 && saysNotFound(serverMessage))) return ExitCode.notFound;
  return ExitCode.api;
}

/** What the user can do about it, in the CLI's own flags (the core's hints speak only of environment variables). */
function cliHint(err: HttpError): string | undefined {
  const fp = err.details.fingerprint;
  switch (err.kind) {
    case 'timeout':
      return 'raise the limit with --request-timeout or PROXMOX_API_TIMEOUT';
    case 'connect-timeout':
      return 'raise the limit with PROXMOX_API_CONNECT_TIMEOUT';
    case 'proxy':
      return "check the proxy setting (PROXMOX_API_HTTPS_PROXY, HTTPS_PROXY, NO_PROXY or the profile's proxy)";
    case 'certificate-mismatch':
      return 'if the server certificate was renewed on purpose, pin the new fingerprint with --tls-fingerprint or PROXMOX_API_FINGERPRINT';
    case 'certificate-untrusted':
      return (
        `if you trust it, pin it: --tls-fingerprint ${fp} or PROXMOX_API_FINGERPRINT=${fp} ` +
        '(or trust its CA with --ca-file, or skip verification with --insecure)'
      );
    default:
      return err.details.hint;
  }
}

/** The CLI's view of any failure: HttpErrors get their exit code here, everything else passes unchanged. */
export function cliErrorOf(err: unknown): unknown {
  if (!isHttpError(err)) return err;
  if (err.status !== undefined) {
    return new ApiError(err.message, exitCodeOfStatus(err.status, err.details.serverMessage), err.status, err.paramErrors, cliHint(err));
  }
  return new CliError(err.message, EXIT_BY_KIND[err.kind], cliHint(err));
}

/** Structural, not instanceof: topic commands load dist/src/… while the fast path is one bundle (two copies of the class). */
function isHttpError(err: unknown): err is HttpError {
  return err instanceof Error && err.name === 'HttpError' && typeof (err as Partial<HttpError>).kind === 'string';
}

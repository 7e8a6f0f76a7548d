import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import { HttpError } from './errors';

/** How this client decides to trust the server's certificate. */
export interface TlsPolicy {
  /** Verify the chain and host name (unless a pin decides). */
  verify: boolean;
  /** Pinned SHA-256 fingerprint, normalised to Node's `AA:BB:…` form; when set it alone decides. */
  fingerprint?: string;
  /** PEM text of --ca-file: replaces the bundled roots. */
  ca?: string;
}

/** The certificate was not accepted: chain/host failed, or the pin did not match. */
export class CertificateTrustError extends Error {
  constructor(
    readonly kind: 'untrusted' | 'mismatch',
    readonly fingerprint: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'CertificateTrustError';
  }
}

/** Accepts `AA:BB:…` or 64 hex digits, any case; returns `AA:BB:…` or undefined if malformed. */
export function normalizeFingerprint(fp: string): string | undefined {
  const hex = fp.trim().replace(/^sha256:/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

export function tlsPolicy(settings: { verifyTls: boolean; fingerprint?: string; ca?: string }): TlsPolicy {
  const policy: TlsPolicy = { verify: settings.verifyTls };
  if (settings.fingerprint) {
    const fp = normalizeFingerprint(settings.fingerprint);
    if (!fp) {
      throw new HttpError('settings', `invalid TLS fingerprint '${settings.fingerprint}'`, {
        hint: 'expected a SHA-256 fingerprint: 32 colon-separated hex bytes (AA:BB:…)',
      });
    }
    policy.fingerprint = fp;
  } else if (settings.verifyTls && settings.ca) {
    policy.ca = settings.ca;
  }
  return policy;
}

/**
 * Options for tls.connect. Verification is always done by `checkPeer` after the handshake (so an untrusted
 * certificate's fingerprint can be shown, and a pin can accept a self-signed one) and before any request byte is
 * written. `ca: []` skips parsing Node's bundled root store (~40 ms) when the roots cannot matter.
 */
export function connectOptions(policy: TlsPolicy): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: false };
  if (policy.fingerprint || !policy.verify) options.ca = [];
  else if (policy.ca) options.ca = policy.ca;
  return options;
}

/** Throws CertificateTrustError unless the policy accepts the peer of this freshly handshaken socket. */
export function checkPeer(socket: TLSSocket, host: string, policy: TlsPolicy): void {
  const cert = socket.getPeerCertificate();
  const fingerprint = cert?.fingerprint256 ?? '';
  if (policy.fingerprint) {
    if (fingerprint !== policy.fingerprint) {
      throw new CertificateTrustError(
        'mismatch',
        fingerprint,
        `certificate fingerprint does not match the pinned one (expected ${policy.fingerprint}, got ${fingerprint})`,
      );
    }
    return;
  }
  if (!policy.verify) return;
  if (!socket.authorized) {
    throw new CertificateTrustError('untrusted', fingerprint, describeVerifyError(socket.authorizationError));
  }
  const identityError = checkServerIdentity(host, cert);
  if (identityError) throw new CertificateTrustError('untrusted', fingerprint, identityError.message);
}

function describeVerifyError(err: Error | string | null | undefined): string {
  const code = typeof err === 'string' ? err : ((err as NodeJS.ErrnoException | undefined)?.code ?? err?.message ?? '');
  const known: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the certificate (unknown issuer)',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown certificate issuer',
    CERT_HAS_EXPIRED: 'certificate has expired',
    CERT_NOT_YET_VALID: 'certificate is not yet valid',
  };
  return known[code] ?? (code ? `certificate verification failed (${code})` : 'certificate verification failed');
}

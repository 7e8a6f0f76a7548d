import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { CliError, ExitCode } from '../errors';

export interface PeerCertificate {
  /** SHA-256, colon-separated upper-case hex, as Proxmox shows it */
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
  /** Whether the chain verifies against the system CAs (then pinning is optional). */
  trusted: boolean;
}

/**
 * Fetch the server's certificate for trust-on-first-use pinning: verification off so self-signed
 * certificates (the Proxmox default) can be shown; nothing is sent over the connection.
 */
export function fetchPeerCertificate(url: string, timeoutMs = 10_000): Promise<PeerCertificate> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || (target.protocol === 'http:' ? 80 : 443));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, timeout: timeoutMs });
    const fail = (message: string) => {
      socket.destroy();
      reject(new CliError(`cannot fetch the certificate of ${target.host}: ${message}`, ExitCode.connection));
    };
    socket.once('timeout', () => fail('timed out'));
    socket.once('error', (error) => fail(error.message));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const trusted = socket.authorized;
      socket.end();
      if (!cert || !cert.fingerprint256) return fail('the server sent no certificate');
      resolve({
        fingerprint: cert.fingerprint256,
        subject: formatName(cert.subject),
        issuer: formatName(cert.issuer),
        validTo: cert.valid_to,
        trusted,
      });
    });
  });
}

function formatName(name: Record<string, unknown> | undefined): string {
  if (!name) return '';
  return Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}

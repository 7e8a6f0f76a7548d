import type { TLSSocket } from 'node:tls';
import { transportError } from './errors';
import { authority, resolveProxy } from './proxy';
import { openConnection } from './transport';
import { hostAndPort, parseTarget } from './url';

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
 * The server's certificate, for trust-on-first-use pinning. It goes the way requests go (the same proxy choice,
 * CONNECT tunnel and connect timeout), with the peer check skipped so a self-signed certificate (Proxmox's
 * default) can be shown; nothing is sent over the connection.
 */
export async function fetchPeerCertificate(url: string, opts: { proxy?: string; connectTimeoutS?: number } = {}): Promise<PeerCertificate> {
  const target = parseTarget(url);
  const { host, port } = hostAndPort(target);
  const where = authority(host, port);
  const timeoutMs = (opts.connectTimeoutS ?? 10) * 1000;
  try {
    const proxy = resolveProxy(target, opts.proxy);
    const plan = { protocol: 'https:' as const, host, port, tls: { verify: true }, proxy, connectTimeoutMs: timeoutMs };
    const socket = (await openConnection(plan, undefined, { checkPeer: false })) as TLSSocket;
    const cert = socket.getPeerCertificate();
    const trusted = socket.authorized;
    socket.end();
    if (!cert || !cert.fingerprint256) throw new Error('the server sent no certificate');
    return { fingerprint: cert.fingerprint256, subject: formatName(cert.subject), issuer: formatName(cert.issuer), validTo: cert.valid_to, trusted };
  } catch (err) {
    const failure = transportError(err, { where, label: 'certificate fetch', timeoutS: timeoutMs / 1000, timedOut: false });
    failure.message = `cannot fetch the certificate of ${where}: ${failure.message}`;
    throw failure;
  }
}

function formatName(name: object | undefined): string {
  if (!name) return '';
  return Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}

import { request as httpRequest } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { maskUrlPasswords } from '../util/mask';
import { hostAndPort } from './url';

/** A failure on the way through the proxy; the message always says "proxy". */
export class ProxyError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value && value.trim() ? value.trim() : undefined;
}

/**
 * The proxy for a target URL: the explicit one from settings (PROXMOX_API_*_PROXY or the profile), else
 * HTTPS_PROXY/HTTP_PROXY (either case; an https target falls back to HTTP_PROXY); none when NO_PROXY matches the
 * target, whichever proxy was chosen (DESIGN.md §5).
 */
export function resolveProxy(target: URL, explicit: string | undefined, env: Env = process.env): URL | undefined {
  const raw =
    explicit ?? (target.protocol === 'https:' ? (envValue(env, 'https_proxy') ?? envValue(env, 'http_proxy')) : envValue(env, 'http_proxy'));
  if (!raw || bypassedByNoProxy(target, envValue(env, 'no_proxy'))) return undefined;
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new ProxyError(`invalid proxy URL '${maskUrlPasswords(raw)}'`);
  }
  if (url.protocol !== 'http:') throw new ProxyError(`unsupported proxy scheme '${url.protocol}' in ${url.host} (use an http:// proxy)`);
  return url;
}

/** NO_PROXY: comma/space list of hosts, `.suffix`/`*.suffix` domains, optional `:port`, IPv4 CIDRs, or `*`. */
export function bypassedByNoProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const { host, port } = hostAndPort(target);
  const name = host.toLowerCase();
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[') && isIP(entry) !== 6) {
      entry = portMatch[1]!;
      entryPort = Number(portMatch[2]);
    }
    entry = entry.replace(/^\[(.*)\]$/, '$1');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/') && isIP(name) === 4 && inCidr(name, entry)) return true;
    const suffix = entry.replace(/^\*?\./, '');
    if (name === suffix || name.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || isIP(base) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** `host:port` as written in a CONNECT line and in messages (IPv6 in brackets). */
export function authority(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * Opens a CONNECT tunnel through an http:// proxy to host:port and returns the raw socket: ~50 lines of node:http,
 * where undici's ProxyAgent would bring ~137 ms of import and a second TLS stack to keep in step.
 */
export function openTunnel(proxy: URL, host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  const proxyAt = proxy.host;
  const target = authority(host, port);
  const headers: Record<string, string> = { host: target };
  if (proxy.username) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port ? Number(proxy.port) : 80,
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
      signal,
    });
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new ProxyError(`proxy ${proxyAt} refused CONNECT to ${target}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
        return;
      }
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.once('response', (res) => {
      res.resume();
      reject(new ProxyError(`proxy ${proxyAt} answered CONNECT to ${target} with ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      reject(new ProxyError(`cannot connect to proxy ${proxyAt}: ${describeSocketError(err)}`, err.code));
    });
    req.end();
  });
}

/** Short human wording for common socket error codes. */
export function describeSocketError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'host name not found (DNS)';
    case 'EAI_AGAIN':
      return 'DNS lookup failed (temporary)';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return err.message;
  }
}

import type { ConnectionSettings } from './settings';
import { UsageError } from '../errors';
import { encodePathSegment } from '../util/path-segment';

/** Percent-encodes each segment of an API path; '/' separates segments, existing %XX escapes are kept. */
export function encodePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.split('/').map(encodePathSegment).join('/');
}

/** application/x-www-form-urlencoded (also used for query strings); arrays become repeated keys. */
export function encodeParams(params: Record<string, string | string[]> | undefined): string {
  if (!params) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const k = encodeURIComponent(key);
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${k}=${encodeURIComponent(v)}`);
  }
  return parts.join('&');
}

/** `<url><pathPrefix>/api2/json` without a trailing slash. */
export function baseUrl(settings: Pick<ConnectionSettings, 'url' | 'pathPrefix'>): string {
  const root = settings.url.replace(/\/+$/, '');
  const prefix = (settings.pathPrefix ?? '').replace(/\/+$/, '');
  return `${root}${prefix && !prefix.startsWith('/') ? '/' : ''}${prefix}/api2/json`;
}

/** A page of the server beside the API, behind the same reverse-proxy prefix: `<url><prefix><path>`. */
export function siteUrl(settings: Pick<ConnectionSettings, 'url' | 'pathPrefix'>, path: string): URL {
  parseTarget(settings.url);
  return new URL(baseUrl(settings).replace(/\/api2\/json$/, '') + encodePath(path));
}

/** The full URL of an API path, with an optional encoded query string. */
export function apiUrl(settings: Pick<ConnectionSettings, 'url' | 'pathPrefix'>, path: string, query = ''): URL {
  return new URL(`${baseUrl(settings)}${encodePath(path)}${query ? `?${query}` : ''}`);
}

/** Methods whose parameters go into the query string. */
export function paramsInQuery(method: string): boolean {
  return method === 'GET' || method === 'DELETE' || method === 'HEAD';
}

/** Host name without IPv6 brackets, and the port with the scheme's default. */
export function hostAndPort(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { host, port };
}

/** The profile's URL, checked: http(s) only; anything else is a usage error (nothing was sent). */
export function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`invalid Proxmox URL '${url}'`, 'expected https://HOST:8006');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`unsupported URL scheme in ${url}`, 'expected https://HOST:8006');
  }
  return parsed;
}

/** apiUrl after checking the profile's URL. */
export function targetUrl(settings: Pick<ConnectionSettings, 'url' | 'pathPrefix'>, path: string, query = ''): URL {
  parseTarget(settings.url);
  return apiUrl(settings, path, query);
}

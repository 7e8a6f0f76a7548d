import { UsageError } from '../errors';
import { shellCommand } from '../util/shell-quote';
import { ENV } from './environment';
import { ENVIRONMENT_PROFILE } from './profile-names';
import type { Service } from './types';

/** The port each product's API listens on; a bare host name gets it ('pve1' → 'https://pve1:8006'). */
const DEFAULT_PORTS: Record<Service, number> = { PVE: 8006, PBS: 8007, PMG: 8006, PDM: 8443 };

/**
 * 'pve:8006' → 'https://pve:8006', 'pve' → 'https://pve:8006' (the service's port); trailing '/' and '/api2/json'
 * dropped (the client adds it). A URL written with its scheme keeps its port as written (443 behind a reverse proxy).
 */
export function normalizeUrl(url: string | undefined, profile: string | undefined, service: Service = 'PVE'): string {
  if (url === undefined || url === '') {
    throw new UsageError(
      profile && profile !== ENVIRONMENT_PROFILE ? `profile '${profile}' has no url` : 'no server URL',
      `set it with \`${profile ? shellCommand('pvecli', 'profile', 'set', profile, 'url', 'https://HOST:8006') : 'pvecli profile set NAME url https://HOST:8006'}\` or ${ENV.url}`,
    );
  }
  const schemeGiven = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let withScheme = schemeGiven ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid server URL '${url}'`, 'expected https://HOST:8006');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError(`invalid server URL '${url}': only https:// is supported`);
  // Not parsed.port: URL drops a port equal to the scheme's default (443), which the user did write.
  if (!schemeGiven && !/^(\[[^\]]*\]|[^/[\]:]*):\d+/.test(url)) {
    parsed.port = String(DEFAULT_PORTS[service]);
    withScheme = parsed.href;
  }
  return withScheme.replace(/\/+$/, '').replace(/\/api2\/json$/, '').replace(/\/+$/, '');
}

/**
 * `pvecli serve`: the validating gateway (DESIGN.md §8). It speaks the Proxmox API on src/server, checks each
 * request with the CLI's validators, and answers from the mock (mode mock) or forwards to a real Proxmox through
 * the HTTP core (mode real).
 */
import { readFileSync } from 'node:fs';
import { loadSchema, type Schema } from '../schema/load';
import { type AccessEntry, type RunningServer, listen } from '../server';
import { UsageError } from '../errors';
import { resolveUpstream, shownUrl } from './connection';
import { createCors } from './cors';
import { docsPages } from './docs';
import { gatewayHandler } from './handler';
import { keyMatcher, loadGatewayKeys } from './keys';
import type { Logger } from './log';
import { Metrics } from './metrics';
import { mockUpstream } from './mock-upstream';
import { openApiJson } from './openapi';
import type { GatewayOptions } from './options';
import { realUpstream } from './real-upstream';
import { VIOLATIONS, replyChecker } from './replies';
import { apiPathOf } from './request';
import { isLoopbackHost, trustedMatcher } from './trusted';
import type { Upstream } from './upstream';

export { gatewayOptions, type GatewayFlags, type GatewayOptions } from './options';
export { createLogger, type Logger } from './log';

export interface RunningGateway {
  url: string;
  port: number;
  /** Stop accepting, let requests in flight finish (up to 10 s), close the upstream's connections. */
  close(): Promise<void>;
}

/** What the gateway forwards to, and how /mode and the start line describe it. */
interface Target {
  upstream: Upstream;
  schema: Schema;
  url: string | null;
  service: string;
  authMethod: string;
  sslVerify: boolean | null;
}

function mockTarget(opts: GatewayOptions): Target {
  const schema = loadSchema(opts.schema ?? 'pve-9.2');
  return { upstream: mockUpstream({ stateFile: opts.stateFile, schemaId: schema.id }), schema, url: null, service: 'PVE', authMethod: 'token', sslVerify: null };
}

async function realTarget(opts: GatewayOptions, env: NodeJS.ProcessEnv, log: Logger, keys: string[]): Promise<Target> {
  const warn = (message: string) => log.always('warn', message);
  const { settings, schema: profileSchema, authMethod } = await resolveUpstream(opts.profile, opts.schema, env, warn);
  if (authMethod !== 'none' && keys.length === 0 && !isLoopbackHost(opts.host) && !opts.allowUnauthenticated) {
    throw new UsageError(
      `refusing to listen on ${opts.host} with the upstream's credentials and no gateway keys`,
      'set PVECLI_GATEWAY_KEYS=file:PATH (clients send Authorization: Bearer KEY), listen on 127.0.0.1, or pass --allow-unauthenticated',
    );
  }
  // As the CLI picks it: the profile's schema, else the newest bundled one of the service.
  const schema = loadSchema(opts.schema ?? profileSchema ?? (settings.service === 'PVE' ? 'pve-9.2' : settings.service.toLowerCase()));
  return {
    upstream: realUpstream(settings, warn),
    schema,
    url: shownUrl(settings),
    service: settings.service,
    authMethod,
    sslVerify: settings.url.startsWith('https:') ? settings.verifyTls || settings.fingerprint !== undefined : false,
  };
}

function readTls(tls: GatewayOptions['tls']): { cert: string; key: string } | undefined {
  if (!tls) return undefined;
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${flag}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  return { cert: read(tls.certFile, '--tls-cert'), key: read(tls.keyFile, '--tls-key') };
}

const OWN_ENDPOINTS = new Set(['/health', '/mode', '/metrics', '/openapi.json', '/docs']);

/** The operation template of an answered path (`/api2/json/nodes/pve/qemu/100` → `/nodes/{node}/qemu/{vmid}`). */
function operationOf(schema: Schema, path: string): string | undefined {
  if (OWN_ENDPOINTS.has(path)) return path;
  const apiPath = apiPathOf(path);
  return apiPath === undefined ? undefined : schema.tryResolve(apiPath)?.template;
}

export async function startGateway(opts: GatewayOptions, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RunningGateway> {
  const keys = await loadGatewayKeys(opts.keysRef, env);
  const policy = { trusted: trustedMatcher(opts.trustedClients), keyMatches: keyMatcher(keys) };
  const target = opts.mode === 'real' ? await realTarget(opts, env, log, keys) : mockTarget(opts);
  const { schema } = target;
  const mode = {
    mode: opts.mode,
    service: target.service,
    schema_version: schema.id,
    proxmox_endpoints: schema.index.operations,
    proxmox_paths: schema.index.paths,
    proxmox_methods: schema.index.operations,
    proxmox_url: target.url,
    auth_method: target.authMethod,
    ssl_verify: target.sslVerify,
    response_validation: opts.responseValidation,
  };
  const metrics = new Metrics();
  const checkReply = replyChecker(schema, opts.responseValidation, log, (op, n) => metrics.violations.add({ operation: op.path }, n));
  let openapi: Buffer | undefined;
  const handler = gatewayHandler({
    schema,
    upstream: target.upstream,
    policy,
    cors: createCors(opts.corsOrigins),
    mode,
    checkReply,
    metrics,
    openapi: () => (openapi ??= Buffer.from(openApiJson(schema))),
    docs: docsPages(),
  });
  const tls = readTls(opts.tls);
  let running: RunningServer;
  try {
    running = await listen(handler, {
      host: opts.host,
      port: opts.port,
      tls,
      onError: (error) => log.error('internal error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      onResponse: (e: AccessEntry) => {
        const operation = operationOf(schema, e.path);
        metrics.requests.add({ method: e.method, operation: operation ?? '(unknown)', status: String(e.status) });
        const violations = Number(e.replyHeaders[VIOLATIONS] ?? 0);
        log.info('request', { method: e.method, operation: operation ?? e.path, status: e.status, ms: Math.round(e.ms * 10) / 10, client: e.client, violations });
      },
    });
  } catch (err) {
    await target.upstream.close();
    throw err;
  }
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${running.port}`;
  log.always('info', 'gateway listening', {
    mode: opts.mode,
    url,
    upstream: target.url ?? 'in-process mock',
    schema: schema.id,
    auth_method: target.authMethod,
    validation: 'requests',
    response_validation: opts.responseValidation,
    trusted_clients: opts.trustedClients,
    gateway_keys: keys.length,
  });
  if (opts.allowUnauthenticated) {
    log.always('warn', `--allow-unauthenticated: requests from ${opts.trustedClients.join(', ')} use the upstream's credentials without a gateway key`);
  }
  return {
    url,
    port: running.port,
    async close() {
      await running.close(10_000);
      await target.upstream.close();
    },
  };
}

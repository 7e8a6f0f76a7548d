import type { ApiClient, ApiRequest } from '../http';
import type { ConnectionSettings } from '../config/types';
import type { GlobalOptions } from './globals';
import { warn, writeErr } from './io';
import { UsageError } from '../errors';
import { isatty } from '../util/tty';

export interface Connection {
  settings: ConnectionSettings;
  kind: 'remote' | 'mock';
  /** The client, created on first use: the HTTP core, or pvesh over ssh or on this node (settings.backend). */
  client(): ApiClient;
  /** --dry-run of the ssh and local backends: the command line that would run (undefined for https). */
  describeBackend(request: ApiRequest, opts: { upload: boolean }): string | undefined;
  close(): Promise<void>;
}

/** A stand-in origin for dry runs against the built-in mock, which is not started for them. */
const MOCK_DRY_RUN_URL = 'https://embedded-mock.invalid:8006';

/** stderr first: touching process.stdin builds a stream (5–10 ms), worth it only when a prompt could show. */
export function isInteractive(): boolean {
  return isatty(2) && Boolean(process.stdin.isTTY);
}

/** `profile add`'s certificate fetch: through the proxy requests would use (the given one, else the environment's). */
export function certificateFetcher() {
  return async (url: string, proxy: string | undefined) => {
    const { fetchPeerCertificate } = require('../http/peer-certificate') as typeof import('../http/peer-certificate');
    const explicit = proxy ?? (url.startsWith('http:') ? undefined : process.env.PROXMOX_API_HTTPS_PROXY) ?? process.env.PROXMOX_API_HTTP_PROXY;
    try {
      return await fetchPeerCertificate(url, { proxy: explicit?.trim() || undefined });
    } catch (err) {
      const { cliErrorOf } = require('./http-errors') as typeof import('./http-errors');
      throw cliErrorOf(err);
    }
  };
}

/**
 * What the schema match's first contact left for the run (schema-match.ts): its open connection, so the run's
 * requests follow its `GET /version` on the same connection and login, or its failure, raised when the run
 * connects, after its own checks (a missing file is still exit 2 when the server is down).
 */
let handedOver: { key: string; connection?: Connection; failure?: unknown } | undefined;

/** The settings of globals that shape a connection: a run whose own globals differ opens its own. */
function connectionKey(g: GlobalOptions): string {
  return JSON.stringify([g.profile, g.insecure, g.tlsFingerprint, g.caFile, g.requestTimeout, g.otp, g.trace, g.quiet]);
}

export function handOverConnection(globals: GlobalOptions, outcome: { connection?: Connection; failure?: unknown }): void {
  handedOver = { key: connectionKey(globals), ...outcome };
}

/** Forget what an earlier run in this process left (runs in one process: the tests, batch use). */
export async function releaseHandedOver(): Promise<void> {
  const early = handedOver;
  handedOver = undefined;
  await early?.connection?.close();
}

/** Resolve the profile (flags › environment › profile › default) and, for the built-in mock, start it in-process. */
export async function openConnection(
  globals: GlobalOptions,
  /** `silent`: no notice about the built-in mock (completion runs where the user cannot see stderr). */
  opts: { needServer: boolean; silent?: boolean },
): Promise<Connection> {
  const early = handedOver;
  handedOver = undefined;
  if (early && opts.needServer && early.key === connectionKey(globals)) {
    if (early.connection) return early.connection;
    throw early.failure;
  }
  await early?.connection?.close();
  const config = require('../config') as typeof import('../config');
  const resolved = await config.resolveConnection(
    {
      profile: globals.profile,
      insecure: globals.insecure,
      tlsFingerprint: globals.tlsFingerprint,
      caFile: globals.caFile,
      requestTimeout: globals.requestTimeout,
      otp: globals.otp,
      schema: globals.schema,
    },
    { interactive: isInteractive(), warn, askSecret: (question) => (require('./prompts') as typeof import('./prompts')).askSecret(question) },
  );
  const settings = resolved.settings;
  let closeMock: (() => Promise<void>) | undefined;
  if (resolved.kind === 'mock') {
    if (opts.needServer) {
      const { startEmbeddedMock, MockStateFileError } = require('../mock') as typeof import('../mock');
      const dir = config.stateDir();
      if (!opts.silent && !globals.quiet && resolved.sources.profile === 'default') announceMock(dir);
      const mock = await startEmbeddedMock(dir).catch((e: unknown) => {
        if (e instanceof MockStateFileError) throw new UsageError(e.message, "run 'pvecli mock reset' to start over from the demo cluster");
        throw e;
      });
      Object.assign(settings, { url: mock.url, fingerprint: mock.fingerprint, tokenId: mock.tokenId, tokenSecret: mock.tokenSecret });
      closeMock = mock.close;
    } else {
      settings.url = MOCK_DRY_RUN_URL;
    }
  }
  let client: ApiClient | undefined;
  return {
    settings,
    kind: resolved.kind,
    client() {
      if (!client && settings.backend !== 'https') {
        const { createPveshClient } = require('./pvesh/client') as typeof import('./pvesh/client');
        // pvesh runs the tasks it starts to their end: writes get a limit only when the user set one.
        const writeTimeoutS = resolved.sources.timeout === 'default' ? 0 : settings.timeout;
        client = createPveshClient(settings, { trace: globals.trace ? (line) => writeErr(`trace: ${line}`) : undefined, writeTimeoutS });
      }
      if (!client) {
        const { createCliClient } = require('./api-client') as typeof import('./api-client');
        const origin = require('./setting-origin') as typeof import('./setting-origin');
        const { sources } = resolved;
        const token = settings.tokenId !== undefined;
        const traceLine = globals.trace ? (line: string) => writeErr(`trace: ${line}`) : undefined;
        client = createCliClient(settings, {
          trace: traceLine,
          traceDetail: traceLine,
          interactive: isInteractive(),
          warn,
          insecureBecause: origin.insecureBecause(sources.verifyTls, settings.profile),
          credentialsHint: origin.credentialsHint(token ? sources.tokenId : sources.username, token, settings.profile),
          onTrustFingerprint: (fp) => config.saveProfileFingerprint(settings.profile, fp),
        });
      }
      return client;
    },
    describeBackend(request, { upload }) {
      if (settings.backend === 'https') return undefined;
      const { describeBackendCommand } = require('./pvesh/command') as typeof import('./pvesh/command');
      return describeBackendCommand(settings, request, upload);
    },
    async close() {
      await client?.close();
      await closeMock?.();
    },
  };
}

/**
 * DESIGN.md §5: with no profile the target is the embedded mock, and stderr says so on every implicit use (one
 * line), so output from the simulation is never taken for a real cluster's; not with -q or an explicit -p mock.
 */
function announceMock(stateDir: string): void {
  writeErr(
    `pvecli: no profile configured: using the built-in mock Proxmox server (state in ${stateDir}). ` +
      "Add a real cluster with 'pvecli profile add NAME --url https://HOST:8006 ...' (-p mock: no notice).",
  );
}

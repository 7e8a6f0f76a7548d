import type { ConnectionSettings as ProfileSettings } from '../config/types';
import { caBundle } from '../config/ca-bundle';
import type { ApiClient, ClientHooks } from '../http';
import { cliErrorOf } from './http-errors';
import { askSecondFactor, certificateTrust } from './prompts';

/** The core's hooks the CLI passes through as given (wording from setting-origin.ts), plus what decides its prompts. */
export interface CliClientOptions extends Pick<ClientHooks, 'trace' | 'traceDetail' | 'warn' | 'insecureBecause' | 'credentialsHint'> {
  /** A TTY: may prompt for an OTP or trust-on-first-use. */
  interactive?: boolean;
  /** Save a fingerprint the user chose to trust (TOFU). */
  onTrustFingerprint?: (fp: string) => Promise<void>;
}

/**
 * The HTTP core as the CLI uses it: the profile's ticket cache on disk, prompts on a terminal, the CA file read
 * here, and every failure a CliError with the exit codes of DESIGN.md §4.
 */
export function createCliClient(settings: ProfileSettings, opts: CliClientOptions = {}): ApiClient {
  const http = require('../http') as typeof import('../http');
  const { fileTicketStore } = require('../config/ticket-store') as typeof import('../config/ticket-store');
  const warn = opts.warn ?? (() => {});
  const client = http.createClient(
    { ...settings, ca: caBundle(settings) },
    {
      trace: opts.trace,
      traceDetail: opts.traceDetail,
      warn: opts.warn,
      insecureBecause: opts.insecureBecause,
      credentialsHint: opts.credentialsHint,
      tickets: fileTicketStore(settings.cacheDir, settings.profile),
      askSecondFactor: opts.interactive ? askSecondFactor : undefined,
      trustCertificate: opts.interactive && opts.onTrustFingerprint ? certificateTrust(settings.profile, opts.onTrustFingerprint, warn) : undefined,
    },
  );
  const mapped = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw cliErrorOf(err);
    }
  };
  return {
    request: (req) => mapped(() => client.request(req)),
    exchange: (req) => mapped(() => client.exchange(req)),
    upgradeTarget: (path, query, signal) => mapped(() => client.upgradeTarget(path, query, signal)),
    close: () => client.close(),
  };
}

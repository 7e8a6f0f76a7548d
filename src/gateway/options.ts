/**
 * The gateway's own settings (DESIGN.md §8): flag › environment (the seed's names) › default. The upstream's
 * connection settings are not here: real mode resolves them exactly as the CLI does (src/config).
 */
import { UsageError } from '../errors';
import type { ResponseValidation } from './replies';

export type GatewayMode = 'mock' | 'real';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What `pvecli serve` was given; undefined = not given. */
export interface GatewayFlags {
  mode?: string;
  host?: string;
  port?: number;
  schema?: string;
  profile?: string;
  state?: string;
  tlsCert?: string;
  tlsKey?: string;
  allowUnauthenticated?: boolean;
  trustedClients?: string;
  responseValidation?: string;
}

export interface GatewayOptions {
  mode: GatewayMode;
  host: string;
  port: number;
  schema?: string;
  profile?: string;
  stateFile?: string;
  tls?: { certFile: string; keyFile: string };
  allowUnauthenticated: boolean;
  /** CIDRs whose requests without credentials may use the gateway's upstream credentials. */
  trustedClients: string[];
  logLevel: LogLevel;
  /** Origins answered with CORS headers; `*` for any. */
  corsOrigins: string[];
  /** PVECLI_GATEWAY_KEYS as written: an `env:NAME` or `file:PATH` reference. */
  keysRef?: string;
  responseValidation: ResponseValidation;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
export const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/** The seed's LOG_LEVEL names (Python's), upper or lower case. */
const LOG_LEVELS: Record<string, LogLevel> = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', critical: 'error' };

/** An environment variable, empty meaning unset (as in src/config). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function modeOf(flags: GatewayFlags, env: NodeJS.ProcessEnv): GatewayMode {
  const [value, from] = flags.mode !== undefined ? [flags.mode, '--mode'] : [envValue(env, 'PROXMOX_API_MODE'), 'PROXMOX_API_MODE'];
  const mode = (value ?? 'mock').toLowerCase();
  if (mode !== 'mock' && mode !== 'real') throw new UsageError(`${from}: expected mock or real, got '${value}'`);
  return mode;
}

function responseValidationOf(flags: GatewayFlags, env: NodeJS.ProcessEnv): ResponseValidation {
  const [value, from] =
    flags.responseValidation !== undefined
      ? [flags.responseValidation, '--response-validation']
      : [envValue(env, 'PVECLI_RESPONSE_VALIDATION'), 'PVECLI_RESPONSE_VALIDATION'];
  const mode = (value ?? 'warn').toLowerCase();
  if (mode !== 'warn' && mode !== 'strict' && mode !== 'off') throw new UsageError(`${from}: expected warn, strict or off, got '${value}'`);
  return mode;
}

function portOf(flags: GatewayFlags, env: NodeJS.ProcessEnv): number {
  if (flags.port !== undefined) return flags.port;
  const text = envValue(env, 'PORT');
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`PORT: expected a TCP port (0 to 65535), got '${text}'`);
  return port;
}

function logLevelOf(env: NodeJS.ProcessEnv): LogLevel {
  const text = envValue(env, 'LOG_LEVEL');
  if (text === undefined) return 'info';
  const level = LOG_LEVELS[text.toLowerCase()];
  if (!level) throw new UsageError(`LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR, got '${text}'`);
  return level;
}

export function gatewayOptions(flags: GatewayFlags, env: NodeJS.ProcessEnv = process.env): GatewayOptions {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together', 'give both, or neither for plain HTTP');
  }
  const mode = modeOf(flags, env);
  // Said rather than ignored: a flag of the other mode is a mistake about which gateway runs.
  if (mode === 'real' && flags.state !== undefined) throw new UsageError('--state is for --mode mock', 'real mode keeps no state');
  if (mode === 'mock' && flags.profile !== undefined) throw new UsageError('--profile is for --mode real', 'mock mode answers from the simulator');
  return {
    mode,
    host: flags.host ?? envValue(env, 'HOST') ?? DEFAULT_HOST,
    port: portOf(flags, env),
    schema: flags.schema ?? envValue(env, 'PVECLI_SCHEMA'),
    profile: flags.profile,
    stateFile: flags.state,
    tls: flags.tlsCert !== undefined && flags.tlsKey !== undefined ? { certFile: flags.tlsCert, keyFile: flags.tlsKey } : undefined,
    allowUnauthenticated: Boolean(flags.allowUnauthenticated),
    trustedClients: flags.trustedClients !== undefined ? list(flags.trustedClients) : LOOPBACK,
    logLevel: logLevelOf(env),
    corsOrigins: list(envValue(env, 'CORS_ORIGINS')),
    keysRef: envValue(env, 'PVECLI_GATEWAY_KEYS'),
    responseValidation: responseValidationOf(flags, env),
  };
}

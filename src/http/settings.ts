/**
 * What the HTTP core needs to reach one Proxmox API: where, as whom, how to trust it, and the limits.
 * Callers (the CLI from a profile, the gateway from its environment) resolve these; secrets are already
 * dereferenced and files already read, so the core opens no file of its own.
 */
export type Service = 'PVE' | 'PBS' | 'PMG' | 'PDM';

export interface ConnectionSettings {
  /** https://host:8006 (no /api2/json) */
  url: string;
  service: Service;
  /** A reverse-proxy prefix before /api2/json. */
  pathPrefix: string;
  tokenId?: string;
  tokenSecret?: string;
  username?: string;
  password?: string;
  /** Asked only when a login needs a password, so a valid stored ticket asks nothing. */
  passwordPrompt?: () => Promise<string>;
  otp?: string;
  /** totp, recovery, yubico, webauthn */
  otpType: string;
  verifyTls: boolean;
  /** SHA-256 fingerprint, colon-separated hex (case-insensitive); when set it alone decides trust. */
  fingerprint?: string;
  /** PEM text of the CA bundle to trust instead of the system roots. */
  ca?: string;
  /** Explicit proxy; undefined → HTTPS_PROXY/HTTP_PROXY. NO_PROXY applies to both. */
  proxy?: string;
  /** Seconds; 0 means no limit. `timeout` bounds each exchange, `connectTimeout` its TCP/CONNECT/TLS part. */
  timeout: number;
  connectTimeout: number;
  /** Retries of GET/HEAD on 502/503/504 and resets, with `retryBackoff` seconds doubling (capped at 30 s). */
  retries: number;
  retryBackoff: number;
  /** The largest reply body `request` reads, in bytes (default DEFAULT_MAX_REPLY_BYTES); `exchange` streams and has none. */
  maxReplyBytes?: number;
}

/** 256 MiB: far above any JSON reply Proxmox sends, far below what would exhaust a process's memory. */
export const DEFAULT_MAX_REPLY_BYTES = 256 * 1024 * 1024;

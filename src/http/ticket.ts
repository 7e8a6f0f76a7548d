import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Service } from './settings';
import type { TicketStore } from './types';

/** A login ticket kept between requests (and, in the CLI's store, between runs), so one login serves many. */
export interface CachedTicket {
  url: string;
  service: Service;
  username: string;
  ticket: string;
  csrfToken: string;
  /** When this ticket was issued (local clock, ms since epoch). */
  obtainedAt: number;
  /** A salted scrypt hash of the password that obtained the ticket (see passwordMatches). */
  passwordCheck?: PasswordCheck;
}

export interface PasswordCheck {
  salt: string;
  hash: string;
}

/**
 * A run given a password must not ride on a ticket some other password obtained: `PROXMOX_API_PASSWORD=wrong`
 * has to fail like it would without the cache. scrypt (slow, salted) so the cache file does not make the password
 * cheap to guess offline.
 */
export function passwordCheckOf(password: string, salt = randomBytes(16).toString('base64')): PasswordCheck {
  return { salt, hash: scryptSync(password, salt, 32, SCRYPT).toString('base64') };
}

export function passwordMatches(check: PasswordCheck, password: string): boolean {
  const expected = Buffer.from(check.hash, 'base64');
  const actual = scryptSync(password, check.salt, 32, SCRYPT);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** About 10 ms here: paid once per password-login run, not per request. */
const SCRYPT = { N: 1 << 12, r: 8, p: 1 };

/** Proxmox tickets live two hours; renew well before, never reuse near the end. */
export const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;
export const RENEW_AFTER_MS = 90 * 60 * 1000;
export const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

export type TicketState = 'fresh' | 'renew' | 'expired';

export function ticketState(t: CachedTicket, now = Date.now()): TicketState {
  const age = now - t.obtainedAt;
  if (age < 0 || age >= TICKET_LIFETIME_MS - EXPIRY_MARGIN_MS) return 'expired';
  return age >= RENEW_AFTER_MS ? 'renew' : 'fresh';
}

/** A store for one long-running process (the gateway): the ticket lives as long as the client. */
export function memoryTicketStore(): TicketStore {
  let kept: CachedTicket | undefined;
  return {
    read: (match) => (kept && kept.url === match.url && kept.service === match.service && kept.username === match.username ? kept : undefined),
    write: (ticket) => void (kept = ticket),
    remove: () => void (kept = undefined),
  };
}

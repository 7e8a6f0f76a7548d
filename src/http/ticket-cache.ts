import { readFileSync, rmSync } from 'node:fs';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { Service } from '../config/types';
import { writeFileAtomic } from '../util/atomic-file';

/** A login ticket kept between runs, so one login serves many commands. */
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

/** File of one profile's ticket: <cacheDir>/ticket-<profile>.json. */
export function ticketCachePath(cacheDir: string, profile: string): string {
  return join(cacheDir, `ticket-${profile.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

export function readTicket(file: string, match: { url: string; service: Service; username: string }): CachedTicket | undefined {
  try {
    const t = JSON.parse(readFileSync(file, 'utf8')) as CachedTicket;
    const valid =
      typeof t.ticket === 'string' && typeof t.csrfToken === 'string' && typeof t.obtainedAt === 'number' &&
      t.url === match.url && t.service === match.service && t.username === match.username;
    return valid ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic (temp file + rename), file 0600, directory 0700 when created. */
export function writeTicket(file: string, t: CachedTicket): void {
  writeFileAtomic(file, `${JSON.stringify(t)}\n`);
}

export function removeTicket(file: string): void {
  rmSync(file, { force: true });
}

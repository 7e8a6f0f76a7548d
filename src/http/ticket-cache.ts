import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Service } from '../config/types';

/** A login ticket kept between runs, so one login serves many commands. */
export interface CachedTicket {
  url: string;
  service: Service;
  username: string;
  ticket: string;
  csrfToken: string;
  /** When this ticket was issued (local clock, ms since epoch). */
  obtainedAt: number;
}

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

/** Atomic write (temp file + rename), file 0600, directory 0700 when we create it. */
export function writeTicket(file: string, t: CachedTicket): void {
  const dir = join(file, '..');
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created) chmodSync(dir, 0o700);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(t)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

export function removeTicket(file: string): void {
  rmSync(file, { force: true });
}

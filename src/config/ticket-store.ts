import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file';

/**
 * The CLI's ticket store: `<cacheDir>/ticket-<profile>.json`, 0600 in a 0700 directory, written atomically, so
 * one login serves many runs. The HTTP core takes it as its `TicketStore` (same shape; config sits below http).
 */
export interface StoredTicket {
  url: string;
  service: string;
  username: string;
  ticket: string;
  csrfToken: string;
  obtainedAt: number;
}

/** File of one profile's ticket. */
export function ticketCachePath(cacheDir: string, profile: string): string {
  return join(cacheDir, `ticket-${profile.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

export function fileTicketStore<T extends StoredTicket>(cacheDir: string, profile: string) {
  const file = ticketCachePath(cacheDir, profile);
  return {
    file,
    /** The stored ticket when it is well-formed and was issued for this target and user. */
    read(match: { url: string; service: string; username: string }): T | undefined {
      try {
        const t = JSON.parse(readFileSync(file, 'utf8')) as T;
        const valid =
          typeof t.ticket === 'string' && typeof t.csrfToken === 'string' && typeof t.obtainedAt === 'number' &&
          t.url === match.url && t.service === match.service && t.username === match.username;
        return valid ? t : undefined;
      } catch {
        return undefined;
      }
    },
    write(ticket: T): void {
      writeFileAtomic(file, `${JSON.stringify(ticket)}\n`);
    },
    remove(): void {
      rmSync(file, { force: true });
    },
  };
}

/** A failed upstream exchange as the client sees it: Proxmox's error shape with a gateway status (DESIGN.md §8). */
import type { HttpError, HttpErrorKind } from '../http';
import { type Reply, errorReply } from '../server';

/** Unreachable (refused, DNS, proxy) → 503 as the seed answers; too slow → 504; anything else upstream → 502. */
const STATUS: Partial<Record<HttpErrorKind, number>> = { connect: 503, proxy: 503, 'connect-timeout': 504, timeout: 504 };

export function upstreamFailure(err: HttpError): Reply {
  return errorReply(STATUS[err.kind] ?? 502, `upstream: ${err.message}`);
}


/** Retry policy of DESIGN.md §5: only GET/HEAD, only on 502/503/504 and connection resets. */
export const RETRYABLE_STATUS = new Set([502, 503, 504]);
export const MAX_BACKOFF_MS = 30_000;

export function isIdempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** backoff base × 2ⁿ for retry n (0-based), capped at 30 s. */
export function backoffMs(baseSeconds: number, retry: number): number {
  return Math.min(MAX_BACKOFF_MS, Math.max(0, baseSeconds * 1000 * 2 ** retry));
}

/** Retry-After as delta seconds or an HTTP date; undefined when absent or unreadable. Capped at 30 s. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_BACKOFF_MS, Math.max(0, ms));
}

/** Sleeps, waking early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One exchange's time limit and its caller's signal as one AbortSignal, released when the exchange is over.
 * Not AbortSignal.timeout: its timer outlives the exchange (a long-running gateway would hold one per request for
 * the whole limit) and it costs a quarter of a pooled request's CPU time.
 */
export interface Deadline {
  /** Undefined when there is neither a limit nor a caller's signal: nothing to abort. */
  signal?: AbortSignal;
  timedOut(): boolean;
  /** The exchange ended (its body read, or it failed): the timer and the listener go. Idempotent. */
  release(): void;
}

const NO_DEADLINE: Deadline = { signal: undefined, timedOut: () => false, release: () => {} };

export function exchangeDeadline(limitMs: number, outer?: AbortSignal): Deadline {
  if (limitMs <= 0 && !outer) return NO_DEADLINE;
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    limitMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
        }, limitMs)
      : undefined;
  const onOuter = () => controller.abort(outer!.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    release() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

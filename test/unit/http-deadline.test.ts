import { describe, expect, it } from 'vitest';
import { exchangeDeadline } from '../../src/http/deadline';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('exchangeDeadline', () => {
  it('has no signal when nothing bounds the exchange', () => {
    expect(exchangeDeadline(0).signal).toBeUndefined();
  });

  it('aborts with a TimeoutError when the limit passes, and says it timed out', async () => {
    const d = exchangeDeadline(10);
    await tick(30);
    expect(d.signal!.aborted).toBe(true);
    expect((d.signal!.reason as DOMException).name).toBe('TimeoutError');
    expect(d.timedOut()).toBe(true);
  });

  it('never aborts once released: the timer does not outlive the exchange', async () => {
    const d = exchangeDeadline(10);
    d.release();
    await tick(30);
    expect(d.signal!.aborted).toBe(false);
    expect(d.timedOut()).toBe(false);
  });

  it("passes on the caller's abort with its reason, already aborted or later, and forgets the caller once released", () => {
    const early = new AbortController();
    early.abort('stop');
    expect(exchangeDeadline(0, early.signal).signal!.reason).toBe('stop');
    const later = new AbortController();
    const d = exchangeDeadline(1000, later.signal);
    later.abort('ctrl-c');
    expect(d.signal!.reason).toBe('ctrl-c');
    expect(d.timedOut()).toBe(false);
    d.release();
    const after = new AbortController();
    const released = exchangeDeadline(0, after.signal);
    released.release();
    after.abort('late');
    expect(released.signal!.aborted).toBe(false);
  });
});

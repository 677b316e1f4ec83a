/**
 * @module canon/outbox/queue/wakeup
 * When a queue worker looks for work again: at once after a notification (even one that
 * arrived while it was busy), when the earliest retry falls due, or after its polling
 * interval, whichever comes first; and while its last outcomes are being written, once
 * they are, or at once after a notification.
 */
export class Wakeup {
  #woken = false;
  #resolveIdle: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #at = Number.POSITIVE_INFINITY;

  /** @param horizonMs delays at or beyond this (the polling interval) need no timer of their own */
  constructor(private readonly horizonMs: number) {}

  /** Ends the current (or next) idle wait at once. @example store.listen(channel, () => wakeup.wake()) */
  wake(): void {
    this.#woken = true;
    this.#resolveIdle?.();
  }

  /** Makes sure the worker looks again within `ms` (a retry falling due). @example wakeup.within(1500) */
  within(ms: number): void {
    const at = Date.now() + ms;
    if (ms >= this.horizonMs || at >= this.#at) return;
    clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(() => {
      this.#at = Number.POSITIVE_INFINITY;
      this.wake();
    }, ms);
  }

  /** Forgets earlier wake-ups: call right before looking for work. @example wakeup.reset(); await claim() */
  reset(): void {
    this.#woken = false;
  }

  /** Waits `ms`, or less if woken (immediately if woken since the last reset). @example await wakeup.idle(1000) */
  idle(ms: number): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#resolveIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#resolveIdle = done;
    });
  }

  /**
   * Waits for `work` to settle, or less if woken (immediately if woken since the last
   * reset). Never rejects: `work`'s own failure is its owner's to handle.
   *
   * @example await wakeup.until(pendingWrites) // then claim: the writes are done, or a commit announced rows
   */
  async until(work: Promise<unknown>): Promise<void> {
    if (this.#woken) return;
    let woken!: () => void;
    const wake = new Promise<void>((resolve) => (woken = resolve));
    this.#resolveIdle = woken;
    try {
      await Promise.race([work.catch(() => {}), wake]);
    } finally {
      if (this.#resolveIdle === woken) this.#resolveIdle = undefined;
    }
  }

  /** Drops the retry timer (on stop). @example wakeup.cancel() */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#at = Number.POSITIVE_INFINITY;
  }
}

/**
 * @module canon/webhooks/replay/memory
 * An in-process replay store: fine for one instance. Bounded: past `maxEntries` the
 * oldest ids are forgotten (expired ones go first, as they are the oldest). Several
 * instances behind a load balancer need a shared store (`pgReplayStore`).
 *
 * Ids are kept in a `Map` (id → expiry and claim number) and, in claim order, in a queue
 * that old ids leave from the front: a claim costs the same at 100 000 ids as at 10. (A
 * `Map` alone, walked from its front, would walk over every id deleted before: V8 keeps
 * them as holes until it rehashes.)
 */
import { integerOption } from '../../core/option-checks.js';
import type { ReplayStore } from './types.js';

export interface MemoryReplayStoreOptions {
  /** Ids remembered at most (default 100 000). */
  maxEntries?: number;
}

interface Claim {
  expiresAt: number;
  /** Which claim of the queue this is (a released, then reclaimed id is queued twice). */
  seq: number;
}

/**
 * An in-memory {@link ReplayStore}.
 *
 * @example
 * app.post('/webhooks', webhookExpress({ secret, replay: memoryReplayStore({ maxEntries: 10_000 }) }), handler);
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = integerOption(options.maxEntries, 'maxEntries', 100_000, { min: 1 });
  const claims = new Map<string, Claim>();
  let queue: string[] = []; // ids in claim order; an entry is stale once its id was claimed again or released
  let head = 0; // queue[head] is the oldest entry
  let seq = 0; // the claim number of queue[head]

  /** Forgets from the front: ids expired by `now`, then the oldest while `full`. */
  function forgetOldest(now: number): void {
    while (head < queue.length) {
      const key = queue[head];
      const claim = claims.get(key);
      const current = claim?.seq === seq;
      if (current && claim.expiresAt > now && claims.size < maxEntries) break;
      if (current) claims.delete(key);
      head++;
      seq++;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head); // drop the consumed front now and then
      head = 0;
    }
  }

  return {
    async claim(key, ttlSec) {
      const now = Date.now();
      const existing = claims.get(key);
      if (existing !== undefined && existing.expiresAt > now) return false;
      claims.delete(key);
      forgetOldest(now);
      claims.set(key, { expiresAt: now + ttlSec * 1000, seq: seq + (queue.length - head) });
      queue.push(key);
      return true;
    },
    async release(key) {
      claims.delete(key);
    },
  };
}

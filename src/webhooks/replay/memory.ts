/**
 * @module canon/webhooks/replay/memory
 * An in-process replay store: fine for one instance. Bounded: past `maxEntries` the
 * expired ids, then the oldest, are forgotten. Several instances behind a load balancer
 * need a shared store (`pgReplayStore`).
 */
import { integerOption } from '../../core/option-checks.js';
import type { ReplayStore } from './types.js';

export interface MemoryReplayStoreOptions {
  /** Ids remembered at most (default 100 000). */
  maxEntries?: number;
}

/**
 * An in-memory {@link ReplayStore}.
 *
 * @example
 * app.post('/webhooks', webhookExpress({ secret, replay: memoryReplayStore({ maxEntries: 10_000 }) }), handler);
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = integerOption(options.maxEntries, 'maxEntries', 100_000, { min: 1 });
  const expiries = new Map<string, number>(); // insertion order = age

  function makeRoom(now: number): void {
    for (const [key, expiresAt] of expiries) if (expiresAt <= now) expiries.delete(key);
    for (const key of expiries.keys()) {
      if (expiries.size < maxEntries) break;
      expiries.delete(key);
    }
  }

  return {
    async claim(key, ttlSec) {
      const now = Date.now();
      const expiresAt = expiries.get(key);
      if (expiresAt !== undefined && expiresAt > now) return false;
      expiries.delete(key);
      if (expiries.size >= maxEntries) makeRoom(now);
      expiries.set(key, now + ttlSec * 1000);
      return true;
    },
    async release(key) {
      expiries.delete(key);
    },
  };
}

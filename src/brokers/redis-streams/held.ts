/**
 * @module canon/redis-streams/held
 * The entries one consumer holds in its group's pending list: handed to a handler, or
 * waiting for a retry. It keeps them its own (`XCLAIM … JUSTID` every third of
 * `claimIdleMs`: their idle time restarts, no delivery is counted), acknowledges them in
 * batches (one `XACK` per burst of work), schedules retries (after the delay the entry is
 * claimed again with `XCLAIM`, which counts the delivery), and releases them (idle time
 * set to `claimIdleMs`, so the next sweep of any consumer takes them, and the delivery
 * count set back so the release does not count as an attempt).
 */
import type { Redis } from 'ioredis';
import { type Entry, toEntries } from './commands.js';

export interface HeldSpec {
  client: Redis;
  stream: string;
  group: string;
  consumer: string;
  claimIdleMs: number;
}

/** An entry handed back, and the attempt it was delivered as. */
export interface Released {
  id: string;
  attempt: number;
}

export interface HeldEntries {
  hold(id: string): void;
  has(id: string): boolean;
  /** Acknowledges `id` with the others of this burst; resolves once Redis replied. */
  ack(id: string): Promise<void>;
  /** Claims `id` again after `delayMs` and passes it to `onDue` (unless released meanwhile). */
  retryAfter(id: string, delayMs: number, onDue: (entries: Entry[]) => void): void;
  /** Lets go of `id` without acknowledging it (a dead letter acknowledged it already, or it moved on). */
  forget(id: string): void;
  /**
   * Hands entries back for the next sweep of any consumer, their delivery count set back
   * to `attempt - 1`: the sweep's claim counts the delivery again, so an entry released
   * unhandled (a graceful stop) does not use up one of its attempts.
   */
  release(entries: Released[]): Promise<void>;
  /** Cancels waiting retries; their entries stay pending for another consumer's sweep. */
  abandonRetries(): void;
  /** Stops touching held entries. */
  close(): void;
}

/**
 * Tracks one consumer's held entries; `onError` gets Redis errors of the background touches.
 *
 * @example
 * const held = heldEntries({ client, stream, group, consumer, claimIdleMs: 30_000 }, report);
 */
export function heldEntries(spec: HeldSpec, onError: (error: unknown) => void): HeldEntries {
  const { client, stream, group, consumer, claimIdleMs } = spec;
  const held = new Map<string, ReturnType<typeof setTimeout> | null>();
  let batch: { ids: string[]; sent: Promise<void> } | undefined;

  const touch = setInterval(
    () => {
      if (held.size > 0)
        client.call('XCLAIM', stream, group, consumer, 0, ...held.keys(), 'JUSTID').catch(onError);
    },
    Math.max(20, Math.floor(claimIdleMs / 3)),
  );
  touch.unref();

  return {
    hold: (id) => void held.set(id, null),
    has: (id) => held.has(id),
    forget: (id) => void held.delete(id),
    ack(id) {
      held.delete(id);
      if (!batch) {
        const ids: string[] = [];
        const sent = new Promise<void>((resolve, reject) =>
          setImmediate(() => {
            batch = undefined;
            client.call('XACK', stream, group, ...ids).then(() => resolve(), reject);
          }),
        );
        batch = { ids, sent };
      }
      batch.ids.push(id);
      return batch.sent;
    },
    retryAfter(id, delayMs, onDue) {
      const timer = setTimeout(() => {
        if (!held.has(id)) return;
        held.delete(id);
        client
          .call('XCLAIM', stream, group, consumer, 0, id)
          .then((raw) => onDue(toEntries(raw)))
          .catch(onError);
      }, delayMs);
      timer.unref();
      held.set(id, timer);
    },
    async release(entries) {
      const byAttempt = new Map<number, string[]>();
      for (const { id, attempt } of entries) {
        held.delete(id);
        const ids = byAttempt.get(attempt);
        if (ids === undefined) byAttempt.set(attempt, [id]);
        else ids.push(id);
      }
      for (const [attempt, ids] of byAttempt) {
        const retryCount = Math.max(0, attempt - 1);
        await client
          .call('XCLAIM', stream, group, consumer, 0, ...ids, 'IDLE', claimIdleMs, 'RETRYCOUNT', retryCount, 'JUSTID')
          .catch(() => {}); // not released: the entries come back to a sweep after claimIdleMs anyway
      }
    },
    abandonRetries() {
      for (const [id, timer] of held) {
        if (timer === null) continue;
        clearTimeout(timer);
        held.delete(id);
      }
    },
    close: () => clearInterval(touch),
  };
}

/**
 * @module canon/redis-streams/subscription
 * A running consumer-group reader as the consumer runtime sees it.
 *
 * - New entries: `XREADGROUP … >` on a dedicated connection (a `duplicate()` of the
 *   caller's client, since the read blocks), never more than `prefetch` waiting locally.
 * - Held entries (handler running, or waiting for a retry) stay in the group's pending
 *   list and are kept, acknowledged, retried and released by ./held.
 * - Crash recovery: every consumer sweeps the group with `XAUTOCLAIM` for entries idle
 *   longer than `claimIdleMs` — held by a consumer that died, or left by one that stopped
 *   — and handles them as redeliveries.
 * - Dead letter: `MULTI` `XADD <stream>:dlq` (original fields plus `error`, `attempts`,
 *   `consumer`, `failed_at`, `source_id`) and `XACK`, atomically.
 * - The attempt is the group's delivery count of the entry.
 */
import type { Redis } from 'ioredis';
import type { DeadLetter, SourceMessage, Subscription } from '../../consumer/source.js';
import { deadLetterFields, WireHeaders } from '../../consumer/wire.js';
import { autoClaim, deliveryCount, type Entry, flatten, idTime, readGroup } from './commands.js';
import { heldEntries } from './held.js';

/** The field holding the envelope JSON. */
export const BODY_FIELD = 'event';
/** The dead-letter stream of `stream`. */
export const deadLetterStream = (stream: string) => `${stream}:dlq`;

export interface RedisSubscriptionSpec {
  client: Redis;
  stream: string;
  group: string;
  consumer: string;
  /** `<stream>/<group>`. */
  consumerName: string;
  prefetch: number;
  claimIdleMs: number;
  blockMs: number;
}

interface Held {
  entry: Entry;
  attempt: number;
}

const MAX_PAUSE_MS = 5_000;

export async function redisSubscription(spec: RedisSubscriptionSpec): Promise<Subscription> {
  const { client, stream, group, consumer, prefetch, claimIdleMs } = spec;
  const reader = client.duplicate();
  const readerId = Number(await reader.call('CLIENT', 'ID'));
  const ready: Held[] = [];
  let waiting: { resolve: (item: Held | undefined) => void; reject: (err: Error) => void } | undefined;
  let spaceFreed: (() => void) | undefined;
  let failure: Error | undefined;
  let stopped = false;
  let cursor = '0-0';

  function offer(item: Held): void {
    if (stopped) return void held.release([{ id: item.entry.id, attempt: item.attempt }]);
    held.hold(item.entry.id);
    if (waiting) {
      waiting.resolve(item);
      waiting = undefined;
    } else ready.push(item);
  }

  function report(error: unknown): void {
    failure = error instanceof Error ? error : new Error(String(error));
    waiting?.reject(failure);
    waiting = undefined;
  }
  const held = heldEntries(spec, report);

  async function readLoop(): Promise<void> {
    let pauseMs = 100;
    while (!stopped) {
      if (ready.length >= prefetch) {
        await new Promise<void>((resolve) => (spaceFreed = resolve));
        continue;
      }
      try {
        const entries = await readGroup(
          reader,
          stream,
          group,
          consumer,
          prefetch - ready.length,
          spec.blockMs,
        );
        for (const entry of entries) offer({ entry, attempt: 1 });
        pauseMs = 100;
      } catch (error) {
        if (stopped) return;
        report(error);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
      }
    }
  }

  async function reclaimed(entries: Entry[]): Promise<void> {
    for (const entry of entries) {
      offer({ entry, attempt: Math.max(1, await deliveryCount(client, stream, group, entry.id)) });
    }
  }

  const sweep = setInterval(
    () => {
      autoClaim(client, stream, group, consumer, claimIdleMs, cursor, prefetch)
        .then(async (result) => {
          cursor = result.cursor;
          await reclaimed(result.entries);
        })
        .catch(report);
    },
    Math.max(50, Math.floor(claimIdleMs / 2)),
  );
  sweep.unref();
  const reading = readLoop();

  function deliveryOf({ entry, attempt }: Held): SourceMessage {
    const { id, fields } = entry;
    return {
      body: fields[BODY_FIELD] ?? '',
      header: (name) => fields[name],
      subject: stream,
      attempt,
      redelivered: attempt > 1,
      publishedAt: idTime(id),
      redriveFor: fields[WireHeaders.redriveFor],
      ack: () => held.ack(id),
      retry(delayMs) {
        held.retryAfter(id, delayMs, (entries) => {
          if (!stopped) void reclaimed(entries).catch(report);
        });
      },
      async deadLetter(letter: DeadLetter) {
        const original = { ...fields };
        delete original[WireHeaders.redriveFor];
        const results = await client
          .multi()
          .call(
            'XADD',
            deadLetterStream(stream),
            '*',
            ...flatten(original),
            ...deadLetterFields(letter),
            'source_id',
            id,
          )
          .call('XACK', stream, group, id)
          .exec();
        for (const [error] of results ?? []) if (error) throw error;
        held.forget(id);
      },
      release: () => held.release([{ id, attempt }]),
    };
  }

  return {
    async next() {
      const item = ready.shift();
      spaceFreed?.();
      if (item) return deliveryOf(item);
      if (stopped) return undefined;
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      const next = await new Promise<Held | undefined>((resolve, reject) => (waiting = { resolve, reject }));
      return next && deliveryOf(next);
    },
    async stop() {
      stopped = true;
      clearInterval(sweep);
      waiting?.resolve(undefined);
      waiting = undefined;
      spaceFreed?.();
      // unblock the reader's XREADGROUP (again, should it have been sent after the first UNBLOCK)
      let finished = false;
      void reading.then(() => (finished = true));
      while (!finished) {
        await client.call('CLIENT', 'UNBLOCK', readerId).catch(() => {});
        await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 20))]);
      }
      // entries waiting for a retry stay pending: another consumer's sweep takes them
      held.abandonRetries();
      await held.release(ready.splice(0).map((item) => ({ id: item.entry.id, attempt: item.attempt })));
    },
    async close() {
      held.close();
      reader.disconnect();
    },
  };
}

/**
 * The outbox contract: the same behaviour over every store. Run by pg.test.ts (real
 * PostgreSQL) and pglite.test.ts (embedded PGlite).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createEvent, defineEvent, EventBus, type EventEnvelope } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import {
  busPublisher,
  type CanonError,
  createOutbox,
  createRelay,
  type Outbox,
  type OutboxStore,
  type PublishContext,
  type Relay,
  type RelayOptions,
} from '../../src/outbox/index.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { type Harness, uniqueName, until } from './harness.js';
import { caught } from '../helpers/caught.js';

const OrderPlaced = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });
const placed = (n: number) => createEvent(OrderPlaced, { n });

export function outboxContract(
  makeHarness: () => Promise<Harness>,
  scale: { events: number; timeoutMs: number },
) {
  let h: Harness;
  const relays: Relay[] = [];

  beforeAll(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    // each listening relay holds a pooled connection: stop them between tests
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });
  afterAll(async () => {
    await h?.close();
  });

  async function newOutbox(second = false, extra: { requireTransaction?: boolean } = {}): Promise<Outbox> {
    const outbox = createOutbox({
      store: h.store(second),
      table: `${h.schema}.${uniqueName('outbox')}`,
      ...extra,
    });
    await outbox.migrate();
    return outbox;
  }

  /** A new outbox whose store counts its finished transactions: each claim is one. */
  async function countingOutbox(): Promise<{ outbox: Outbox; claims: () => number }> {
    const store = h.store();
    let claims = 0;
    const counting: OutboxStore = {
      kind: store.kind,
      query: store.query.bind(store),
      listen: store.listen.bind(store),
      transaction: (fn) => store.transaction(fn).finally(() => claims++),
    };
    const outbox = createOutbox({ store: counting, table: `${h.schema}.${uniqueName('outbox')}` });
    await outbox.migrate();
    const before = claims; // migrate's own transactions
    return { outbox, claims: () => claims - before };
  }

  /**
   * A new outbox whose store counts claims (its finished transactions) and, between
   * `hold()` and `release()`, holds back the writes that mark rows published.
   */
  async function heldOutbox() {
    const store = h.store();
    let claims = 0;
    let held = 0;
    let gate: Promise<void> | undefined;
    let open = () => {};
    const holding: OutboxStore = {
      kind: store.kind,
      listen: store.listen.bind(store),
      transaction: (fn) => store.transaction(fn).finally(() => claims++),
      async query<Row>(text: string, params?: unknown[]) {
        if (gate && text.includes("SET status = 'published'")) {
          held++;
          await gate;
        }
        return store.query<Row>(text, params);
      },
    };
    const outbox = createOutbox({ store: holding, table: `${h.schema}.${uniqueName('outbox')}` });
    await outbox.migrate();
    const before = claims;
    onTestFinished(() => open()); // a failed test must not leave the relay's stop() waiting
    return {
      outbox,
      claims: () => claims - before,
      /** Outcome writes held back so far. */
      held: () => held,
      hold() {
        gate = new Promise((resolve) => (open = resolve));
      },
      release() {
        gate = undefined;
        open();
      },
    };
  }

  function relay(options: RelayOptions): Relay {
    const r = createRelay({ pollIntervalMs: 20, backoff: { baseMs: 5, maxMs: 40 }, ...options });
    relays.push(r);
    return r;
  }

  const count = async (outbox: Outbox, where = 'true') =>
    Number((await h.rows(`SELECT count(*) AS n FROM ${outbox.table} WHERE ${where}`))[0].n);

  describe('migrate', () => {
    it('creates the table idempotently and stamps its version', async () => {
      const outbox = await newOutbox();
      await outbox.migrate();
      await Promise.all([outbox.migrate(), outbox.migrate()]);
      const [stamp] = await h.rows(
        `SELECT component, version FROM "${h.schema}".canon_migrations WHERE name = $1`,
        [outbox.table.split('.')[1]],
      );
      expect(stamp).toEqual({ component: 'outbox', version: 1 });
      expect(await count(outbox)).toBe(0);
    });

    it('refuses a table migrated by a newer Canon', async () => {
      const outbox = await newOutbox();
      await h.rows(`UPDATE "${h.schema}".canon_migrations SET version = 99 WHERE name = $1`, [
        outbox.table.split('.')[1],
      ]);
      const err = await caught(outbox.migrate());
      expect(err.code).toBe('CANON_OUTBOX_SCHEMA_VERSION');
      expect(err.message).toMatch(/version 99 .* knows up to 1/);
    });
  });

  describe('enqueue and publish', () => {
    it('publishes a committed event as stored, with topic, key and attempt', async () => {
      const outbox = await newOutbox();
      const got: [EventEnvelope, PublishContext][] = [];
      await relay({ outbox, publish: (event, context) => void got.push([event, context]) }).start();
      const event = placed(1);
      const other = placed(2);
      await h.transaction(async (tx) => {
        await outbox.enqueue(tx, event, { topic: 'orders', key: 'o-1' });
        await outbox.enqueueMany(tx, [other]);
      });
      await waitFor(() => got.length === 2, 5_000, 'publishes');
      const byId = new Map(got.map(([e, c]) => [e.id, { e, c }]));
      expect(byId.get(event.id)).toEqual({ e: event, c: { topic: 'orders', key: 'o-1', attempt: 1 } });
      expect(byId.get(other.id)?.c).toEqual({ topic: 'order.placed', key: null, attempt: 1 });
      await until(
        async () => (await count(outbox, `status = 'published' AND published_at IS NOT NULL`)) === 2,
      );
    });

    it('a rolled-back transaction publishes nothing', async () => {
      const outbox = await newOutbox();
      const got: string[] = [];
      await relay({ outbox, publish: (event) => void got.push(event.id) }).start();
      await h.rolledBack(async (tx) => {
        await outbox.enqueue(tx, placed(1));
        await outbox.enqueueMany(tx, [placed(2), { event: placed(3), key: 'k' }]);
      });
      const committed = placed(4);
      await h.transaction((tx) => outbox.enqueue(tx, committed));
      await waitFor(() => got.length > 0, 5_000, 'the committed event');
      await sleep(100);
      expect(got).toEqual([committed.id]);
      expect(await count(outbox)).toBe(1);
    });

    it('wakes on NOTIFY: published long before the polling interval', async () => {
      const { outbox, claims } = await countingOutbox();
      const got: string[] = [];
      await relay({ outbox, publish: (event) => void got.push(event.id), pollIntervalMs: 600_000 }).start();
      await waitFor(() => claims() === 1, 10_000, 'the first (empty) claim'); // now it waits
      await h.transaction((tx) => outbox.enqueue(tx, placed(1)));
      await waitFor(() => got.length === 1, 20_000, 'a NOTIFY wake-up'); // the poll is 10 min away
    });

    it('without LISTEN, polling is the only way: nothing moves before the interval', async () => {
      const { outbox, claims } = await countingOutbox();
      const got: string[] = [];
      await relay({
        outbox,
        publish: (event) => void got.push(event.id),
        listen: false,
        pollIntervalMs: 3_000,
      }).start();
      await waitFor(() => claims() === 1, 10_000, 'the first (empty) claim'); // the poll is 3 s away
      await h.transaction((tx) => outbox.enqueue(tx, placed(1)));
      await sleep(300);
      expect(got).toHaveLength(0);
      await waitFor(() => got.length === 1, 10_000, 'a poll');
    });
  });

  describe('outcomes off the claim path', () => {
    it('a notified relay claims and publishes while the last batch’s outcomes are still being written', async () => {
      const held = await heldOutbox();
      const { outbox } = held;
      const got: string[] = [];
      await relay({ outbox, publish: (event) => void got.push(event.id), pollIntervalMs: 600_000 }).start();
      await waitFor(() => held.claims() === 1, 10_000, 'the first (empty) claim');
      held.hold();
      const [first, second] = [placed(1), placed(2)];
      await h.transaction((tx) => outbox.enqueue(tx, first));
      await waitFor(() => held.held() === 1, 10_000, 'the first outcome, held back');
      await h.transaction((tx) => outbox.enqueue(tx, second));
      await waitFor(() => got.length === 2, 10_000, 'the second publish');
      expect(got).toEqual([first.id, second.id]);
      expect(held.held()).toBe(1); // the second outcome is written after the first one
      expect(await count(outbox, `status = 'published'`)).toBe(0);
      held.release();
      await until(async () => (await count(outbox, `status = 'published'`)) === 2);
    });

    it('a key’s next row waits for the outcome of the row before it, then goes without waiting for the poll', async () => {
      const held = await heldOutbox();
      const { outbox } = held;
      const got: string[] = [];
      await relay({ outbox, publish: (event) => void got.push(event.id), pollIntervalMs: 600_000 }).start();
      await waitFor(() => held.claims() === 1, 10_000, 'the first (empty) claim');
      held.hold();
      const [first, second] = [placed(1), placed(2)];
      await h.transaction((tx) => outbox.enqueue(tx, first, { key: 'k' }));
      await waitFor(() => held.held() === 1, 10_000, 'the first outcome, held back');
      const claimsBefore = held.claims();
      await h.transaction((tx) => outbox.enqueue(tx, second, { key: 'k' }));
      await waitFor(() => held.claims() > claimsBefore, 10_000, 'the claim the second commit wakes');
      // that claim ran while the first row was still leased: the key's next row stayed put
      expect(await count(outbox, `id = '${second.id}' AND attempts = 0`)).toBe(1);
      expect(got).toEqual([first.id]);
      held.release();
      await waitFor(() => got.length === 2, 10_000, 'the second publish, once the first outcome is written');
      expect(got).toEqual([first.id, second.id]);
    });
  });

  describe('two relays', () => {
    it(`${scale.events} events: every id published, and exactly once`, {
      timeout: scale.timeoutMs,
    }, async () => {
      const outbox = await newOutbox();
      const twin = createOutbox({ store: h.store(true), table: outbox.table });
      const seen = new Map<string, number>();
      const publishedBy = [0, 0];
      const publish = (i: number) => (event: EventEnvelope) => {
        seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
        publishedBy[i]++;
      };
      await relay({ outbox, publish: publish(0), batchSize: 200 }).start();
      await relay({ outbox: twin, publish: publish(1), batchSize: 200 }).start();
      const ids: string[] = [];
      for (let start = 0; start < scale.events; start += 500) {
        const events = Array.from({ length: Math.min(500, scale.events - start) }, (_, i) =>
          placed(start + i),
        );
        ids.push(...events.map((e) => e.id));
        await h.transaction((tx) => outbox.enqueueMany(tx, events));
      }
      await waitFor(() => seen.size === ids.length, scale.timeoutMs - 5_000, 'all events');
      await sleep(100);
      expect(ids.every((id) => seen.get(id) === 1)).toBe(true);
      expect(publishedBy[0] + publishedBy[1]).toBe(ids.length);
      if (h.kind === 'pg') expect(Math.min(...publishedBy)).toBeGreaterThan(0); // both took part
      const stats = await outbox.stats();
      expect(stats).toMatchObject({ pending: 0, in_flight: 0, dead: 0, lag_ms: 0 });
    });

    it('keeps per-key order across two relays, through failures and retries', {
      timeout: 60_000,
    }, async () => {
      const outbox = await newOutbox();
      const twin = createOutbox({ store: h.store(true), table: outbox.table });
      const delivered = new Map<string, number[]>();
      let failures = 0;
      const publish = async (event: EventEnvelope, { key, attempt }: PublishContext) => {
        await sleep(Math.random() * 3);
        const n = (event.data as { n: number }).n;
        if (attempt === 1 && n % 7 === 3) {
          failures++;
          throw new Error('transient');
        }
        delivered.set(key!, [...(delivered.get(key!) ?? []), n]);
      };
      const keys = Array.from({ length: 12 }, (_, i) => `customer-${i}`);
      const perKey = 25;
      await relay({ outbox, publish, concurrency: 8, batchSize: 50 }).start();
      await relay({ outbox: twin, publish, concurrency: 8, batchSize: 50 }).start();
      for (let n = 0; n < perKey; n++) {
        await h.transaction((tx) =>
          outbox.enqueueMany(
            tx,
            keys.map((key) => ({ event: placed(n), key })),
          ),
        );
      }
      await waitFor(() => keys.every((key) => delivered.get(key)?.length === perKey), 50_000, 'every key');
      expect(failures).toBeGreaterThan(0);
      const inOrder = Array.from({ length: perKey }, (_, n) => n);
      for (const key of keys) expect(delivered.get(key), key).toEqual(inOrder);
    });
  });

  describe('retries, dead events and redrive', () => {
    it('a publish failing N times then succeeding: retried with backoff, one wide event per attempt', async () => {
      const sink = memorySink();
      const canon = createCanon({ service: 'shop', sinks: [sink], handleExit: false });
      const outbox = await newOutbox();
      const times: number[] = [];
      const attempts: number[] = [];
      await relay({
        outbox,
        canon,
        backoff: { baseMs: 40, maxMs: 1_000 },
        publish: (_event, { attempt }) => {
          times.push(Date.now());
          attempts.push(attempt);
          if (attempt < 4) throw Object.assign(new Error(`refused #${attempt}`), { code: 'E_BROKER' });
        },
      }).start();
      const event = await canon.run({ kind: 'http' }, () => placed(1));
      await h.transaction((tx) => outbox.enqueue(tx, event, { key: 'k1' }));
      await waitFor(() => attempts.length === 4, 10_000, 'four attempts');
      expect(attempts).toEqual([1, 2, 3, 4]);
      // equal jitter: attempt n waits at least half of 40·2^(n-1) ms
      for (const [i, min] of [20, 40, 80].entries())
        expect(times[i + 1] - times[i]).toBeGreaterThanOrEqual(min - 5);
      await until(async () => (await count(outbox, `status = 'published'`)) === 1, 5_000, 'published');
      await canon.flush();
      const attemptsEvents = sink.events.filter((e) => e.kind === 'outbox');
      expect(attemptsEvents.map((e) => [e.outcome, e.outbox.result, e.outbox.attempt])).toEqual([
        ['error', 'retry', 1],
        ['error', 'retry', 2],
        ['error', 'retry', 3],
        ['success', 'published', 4],
      ]);
      const [first] = attemptsEvents;
      const request = sink.events.find((e) => e.kind === 'http')!;
      expect(first).toMatchObject({
        correlation_id: event.correlation_id,
        trace_id: request.trace_id,
        parent_span_id: request.events_published[0].span_id, // the event's creation span
        event: { id: event.id, type: 'order.placed', version: 1 },
        outbox: { table: outbox.table, topic: 'order.placed', key: 'k1', max_attempts: 10 },
        error: { type: 'Error', message: 'refused #1', code: 'E_BROKER' },
      });
      expect(first.outbox.retry_in_ms).toBeGreaterThanOrEqual(20);
      expect(event.correlation_id).toBe(request.request_id);
    });

    it('parks a poison event dead after maxAttempts with its last error, then redrives it', async () => {
      const outbox = await newOutbox();
      let healthy = false;
      const attempts: number[] = [];
      const published: string[] = [];
      await relay({
        outbox,
        maxAttempts: 3,
        publish: (event, { attempt }) => {
          attempts.push(attempt);
          if (!healthy) throw new TypeError(`cannot encode ${event.id}`);
          published.push(event.id);
        },
      }).start();
      const poison = placed(1);
      await h.transaction((tx) => outbox.enqueue(tx, poison, { key: 'p' }));
      await until(async () => (await count(outbox, `status = 'dead'`)) === 1, 5_000, 'dead');
      expect(attempts).toEqual([1, 2, 3]);
      const [row] = await h.rows(`SELECT attempts, last_error, locked_by FROM ${outbox.table}`);
      expect(row.attempts).toBe(3);
      expect(row.locked_by).toBeNull();
      expect(row.last_error).toMatchObject({
        type: 'TypeError',
        message: `cannot encode ${poison.id}`,
        attempt: 3,
      });
      expect(await outbox.stats()).toMatchObject({ dead: 1, pending: 0 });
      // a dead event does not block later events of its key
      const next = placed(2);
      healthy = true;
      await h.transaction((tx) => outbox.enqueue(tx, next, { key: 'p' }));
      await waitFor(() => published.includes(next.id), 5_000, 'the next event of the key');
      expect(await outbox.redrive({ ids: [poison.id] })).toBe(1);
      await waitFor(() => published.includes(poison.id), 5_000, 'the redriven event');
      await until(async () => (await outbox.stats()).published === 2, 5_000, 'acknowledged');
      expect(await outbox.stats()).toMatchObject({ dead: 0, pending: 0, in_flight: 0, published: 2 });
    });

    it('an error with retriable: false is parked dead at once', async () => {
      const outbox = await newOutbox();
      let calls = 0;
      await relay({
        outbox,
        publish: () => {
          calls++;
          throw Object.assign(new Error('410 gone'), { retriable: false });
        },
      }).start();
      await h.transaction((tx) => outbox.enqueue(tx, placed(1)));
      await until(async () => (await count(outbox, `status = 'dead'`)) === 1, 5_000, 'dead');
      expect(calls).toBe(1);
    });

    it('parks rows left with more attempts than maxAttempts (a relay that had a higher limit) at start', async () => {
      const outbox = await newOutbox();
      const [old, next] = [placed(1), placed(2)];
      await h.transaction((tx) =>
        outbox.enqueueMany(tx, [
          { event: old, key: 'k' },
          { event: next, key: 'k' },
        ]),
      );
      await h.rows(`UPDATE ${outbox.table} SET attempts = 5 WHERE id = $1`, [old.id]);
      const got: string[] = [];
      await relay({ outbox, maxAttempts: 3, publish: (event) => void got.push(event.id) }).start();
      await waitFor(() => got.length === 1, 5_000, 'the next event of the key');
      expect(got).toEqual([next.id]);
      const [row] = await h.rows(`SELECT status, last_error FROM ${outbox.table} WHERE id = $1`, [old.id]);
      expect(row).toEqual({ status: 'dead', last_error: { attempts_exhausted: true } });
    });

    it('redrive filters by type and key and returns how many', async () => {
      const outbox = await newOutbox();
      await relay({ outbox, maxAttempts: 1, publish: () => Promise.reject(new Error('down')) }).start();
      const shipped = createEvent(defineEvent('order.shipped'), {});
      await h.transaction((tx) =>
        outbox.enqueueMany(tx, [{ event: placed(1), key: 'a' }, { event: placed(2), key: 'b' }, shipped]),
      );
      await until(async () => (await count(outbox, `status = 'dead'`)) === 3, 5_000, 'three dead');
      expect(await outbox.redrive({ key: 'nobody' })).toBe(0);
      expect(await outbox.redrive({ key: 'a' })).toBe(1);
      expect(await outbox.redrive({ type: 'order.shipped' })).toBe(1);
      await until(async () => (await count(outbox, `status = 'dead'`)) === 3, 5_000, 'dead again');
      expect(await outbox.redrive()).toBe(3);
      await expect(outbox.redrive({ id: 'x' } as never)).rejects.toThrow(/`filter.id`/);
    });

    it('a publish that never settles times out and is retried', async () => {
      const outbox = await newOutbox();
      const attempts: number[] = [];
      await relay({
        outbox,
        publishTimeoutMs: 50,
        publish: (_e, { attempt }) => {
          attempts.push(attempt);
          return attempt === 1 ? new Promise(() => {}) : undefined;
        },
      }).start();
      await h.transaction((tx) => outbox.enqueue(tx, placed(1)));
      await until(async () => (await count(outbox, `status = 'published'`)) === 1, 5_000, 'published');
      expect(attempts).toEqual([1, 2]);
    });
  });

  describe('leases', () => {
    it("reclaims rows leased by a relay that died, after the lease, keeping the key's order", async () => {
      const outbox = await newOutbox();
      const first = placed(1);
      const second = placed(2);
      await h.transaction((tx) =>
        outbox.enqueueMany(tx, [
          { event: first, key: 'k' },
          { event: second, key: 'k' },
        ]),
      );
      // what a relay that crashed mid-publish leaves behind: the first row leased, attempt 1
      const started = Date.now(); // before the lease is taken: the lease ends ≥ 500 ms after
      await h.rows(
        `UPDATE ${outbox.table} SET locked_by = 'dead-relay', attempts = 1, locked_until = now() + interval '500 milliseconds' WHERE id = $1`,
        [first.id],
      );
      const got: [string, number, number][] = [];
      await relay({
        outbox,
        publish: (e, { attempt }) => void got.push([e.id, attempt, Date.now() - started]),
      }).start();
      await waitFor(() => got.length === 2, 5_000, 'both events');
      expect(got.map(([id, attempt]) => [id, attempt])).toEqual([
        [first.id, 2],
        [second.id, 1],
      ]);
      expect(got[0][2]).toBeGreaterThanOrEqual(490); // not before the lease ran out
    });

    it('stop() waits for in-flight publishes and hands back rows it had not started', async () => {
      const outbox = await newOutbox();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const started: string[] = [];
      const r = relay({
        outbox,
        concurrency: 1,
        publish: async (event) => {
          started.push(event.id);
          await gate;
        },
      });
      const events = [placed(1), placed(2), placed(3)];
      await h.transaction((tx) => outbox.enqueueMany(tx, events));
      await r.start();
      await waitFor(() => started.length === 1, 5_000, 'the first publish');
      let stopped = false;
      const stopping = r.stop().then(() => (stopped = true));
      await sleep(50);
      expect(stopped).toBe(false); // still waiting for the publish in flight
      release();
      await stopping;
      const rows = await h.rows(`SELECT id, status, attempts, locked_by FROM ${outbox.table} ORDER BY seq`);
      expect(rows.map((row) => [row.status, row.attempts, row.locked_by])).toEqual([
        ['published', 1, null],
        ['pending', 0, null],
        ['pending', 0, null],
      ]);
      expect(started).toHaveLength(1);
    });
  });

  describe('retention', () => {
    it('deletes published rows after retentionMs, never pending or dead ones', async () => {
      const outbox = await newOutbox();
      await relay({
        outbox,
        retentionMs: 100,
        cleanupIntervalMs: 30,
        maxAttempts: 1,
        publish: (event) => {
          if ((event.data as { n: number }).n === 0) throw new Error('poison');
        },
      }).start();
      await h.transaction((tx) => outbox.enqueueMany(tx, [placed(0), placed(1), placed(2)]));
      await until(async () => (await count(outbox, `status <> 'pending'`)) === 3, 5_000, 'settled');
      await until(async () => (await count(outbox)) === 1, 5_000, 'retention');
      expect(await count(outbox, `status = 'dead'`)).toBe(1);
    });

    it('retentionMs: 0 deletes rows as they are published; cleanup() deletes on demand', async () => {
      const outbox = await newOutbox();
      const r = relay({ outbox, retentionMs: 0, publish: () => {} });
      await r.start();
      await h.transaction((tx) => outbox.enqueueMany(tx, [placed(1), placed(2)]));
      await until(async () => (await count(outbox)) === 0, 5_000, 'deleted on publish');
      await r.stop();
      const kept = await newOutbox();
      const k = relay({ outbox: kept, publish: () => {} });
      await k.start();
      await h.transaction((tx) => kept.enqueueMany(tx, [placed(1), placed(2)]));
      await until(async () => (await count(kept, `status = 'published'`)) === 2, 5_000, 'published');
      expect(await kept.cleanup(60_000)).toBe(0);
      expect(await kept.cleanup(0)).toBe(2);
    });
  });

  describe('the in-process bus as publisher', () => {
    it('delivers to handlers; a failing handler makes the relay retry the event', async () => {
      const outbox = await newOutbox();
      const bus = new EventBus();
      const seen: number[] = [];
      let failOnce = true;
      bus.on(OrderPlaced, async function chargeCard(event) {
        if (failOnce) {
          failOnce = false;
          throw new Error('gateway timeout');
        }
        seen.push(event.data.n);
      });
      const attempts: number[] = [];
      bus.on('*', () => void attempts.push(1));
      await relay({ outbox, publish: busPublisher(bus) }).start();
      await h.transaction((tx) => outbox.enqueue(tx, placed(7)));
      await waitFor(() => seen.length === 1, 5_000, 'delivery');
      expect(seen).toEqual([7]);
      expect(attempts).toHaveLength(2); // every handler runs again on retry: handlers must be idempotent
    });
  });

  describe('bad input: a clear error and nothing written', () => {
    it('refuses unsafe table names, naming `table`', () => {
      for (const table of ['outbox; DROP TABLE users', 'Outbox', 'a.b.c', '"outbox"', '', 'x'.repeat(49)]) {
        expect(() => createOutbox({ store: h.store(), table }), table).toThrow(/invalid option `table`/);
      }
    });

    it('refuses payloads JSON cannot carry (BigInt, circular), writing nothing', async () => {
      const outbox = await newOutbox();
      const big = createEvent(defineEvent('ledger.posted'), { amount: 10n });
      const loop: Record<string, unknown> = { name: 'loop' };
      loop.self = loop;
      const circular = createEvent(defineEvent('graph.built'), { root: loop });
      const errors: CanonError[] = [];
      await h.transaction(async (tx) => {
        errors.push(await caught(outbox.enqueue(tx, big)));
        errors.push(await caught(outbox.enqueueMany(tx, [placed(1), circular])));
      });
      expect(errors.map((e) => e.code)).toEqual(['CANON_OUTBOX_PAYLOAD', 'CANON_OUTBOX_PAYLOAD']);
      expect(errors[0].message).toContain(`ledger.posted ${big.id}`);
      expect(errors[0].message).toContain('event.data.amount (a BigInt)');
      expect(errors[1].message).toContain('event.data.root.self (a circular reference)');
      expect(await count(outbox)).toBe(0);
    });

    it('refuses enqueue outside a transaction when requireTransaction is set, writing nothing', async () => {
      const outbox = await newOutbox(false, { requireTransaction: true });
      const err = await caught(outbox.enqueue(h.autocommit, placed(1)));
      expect(err.code).toBe('CANON_OUTBOX_NO_TRANSACTION');
      expect(err.message).toContain(outbox.table);
      expect(await count(outbox)).toBe(0);
      await h.transaction((tx) => outbox.enqueue(tx, placed(2)));
      expect(await count(outbox)).toBe(1);
    });

    it('refuses what is not an envelope, a transaction or a valid option', async () => {
      const outbox = await newOutbox();
      expect((await caught(outbox.enqueue(h.autocommit, { type: 'order.placed' } as never))).code).toBe(
        'CANON_INVALID_EVENT',
      );
      await expect(outbox.enqueue({} as never, placed(1))).rejects.toThrow(/`tx`/);
      await expect(outbox.enqueue(h.autocommit, placed(1), { key: 5 as never })).rejects.toThrow(
        /`event.key`/,
      );
      await expect(
        outbox.enqueueMany(h.autocommit, [placed(1), { event: placed(2), topic: '' }]),
      ).rejects.toThrow(/`entries\[1\].topic`/);
      expect(await count(outbox)).toBe(0);
      const publish = () => {};
      expect(() => createRelay({ outbox, publish, batchSize: 0 })).toThrow(/`batchSize`/);
      expect(() => createRelay({ outbox, publish, leaseMs: 10 })).toThrow(/`leaseMs`/);
      expect(() => createRelay({ outbox, publish, backoff: { baseMs: 10, maxMs: 5 } })).toThrow(
        /`backoff.maxMs`/,
      );
      expect(() => createRelay({ outbox, publish: 'x' as never })).toThrow(/`publish`/);
      expect(() => createRelay({ outbox: {} as never, publish })).toThrow(/`outbox`/);
      expect(() => createRelay({ outbox, publish, maxAttemps: 3 } as never)).toThrow(/`maxAttemps`/);
      expect(() => createOutbox({ store: {} as never })).toThrow(/`store`/);
    });
  });
}

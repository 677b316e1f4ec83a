import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryReplayStore, pgReplayStore, type ReplayStore } from '../../src/webhooks/index.js';
import { type Harness, pgHarness, pgliteHarness } from '../outbox/harness.js';
import { sleep } from '../helpers/wait.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

/** What every replay store does. */
function replayContract(make: () => ReplayStore | Promise<ReplayStore>) {
  it('claims an id once, refuses it again until it expires or is released', async () => {
    const store = await make();
    expect(await store.claim('standard:msg_1', 60)).toBe(true);
    expect(await store.claim('standard:msg_1', 60)).toBe(false);
    expect(await store.claim('stripe:msg_1', 60)).toBe(true);
    await store.release('standard:msg_1');
    expect(await store.claim('standard:msg_1', 60)).toBe(true);
    expect(await store.claim('standard:short', 0.05)).toBe(true);
    await sleep(80);
    expect(await store.claim('standard:short', 60)).toBe(true);
    expect(await store.claim('standard:short', 60)).toBe(false);
  });

  it('lets exactly one of concurrent claims of an id win', async () => {
    const store = await make();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.claim('standard:race', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
}

describe('memoryReplayStore', () => {
  replayContract(() => memoryReplayStore());

  it('forgets the oldest ids past maxEntries', async () => {
    const store = memoryReplayStore({ maxEntries: 2 });
    await store.claim('a', 60);
    await store.claim('b', 60);
    await store.claim('c', 60);
    expect(await store.claim('a', 60)).toBe(true);
    expect(await store.claim('c', 60)).toBe(false);
    expect(() => memoryReplayStore({ maxEntries: 0 })).toThrow(/`maxEntries`/);
  });

  it('forgets expired ids first, and a released then reclaimed id is one id', async () => {
    const store = memoryReplayStore({ maxEntries: 3 });
    await store.claim('short', 0.05);
    await store.claim('a', 60);
    await store.claim('b', 60);
    await sleep(80); // 'short' expired
    await store.release('a');
    expect(await store.claim('a', 60)).toBe(true); // reclaimed: now the newest; 'short' is gone
    expect(await store.claim('c', 60)).toBe(true); // b, a, c: full
    expect(await store.claim('d', 60)).toBe(true); // the oldest, 'b', makes room
    for (const kept of ['a', 'c', 'd']) expect(await store.claim(kept, 60)).toBe(false);
    expect(await store.claim('b', 60)).toBe(true);
  });

  it('a claim into a full store of 100,000 ids does not walk the store', async () => {
    const store = memoryReplayStore({ maxEntries: 100_000 });
    for (let i = 0; i < 100_000; i++) await store.claim(`fill:${i}`, 600);
    // counts the steps of every Map iteration while 1,000 claims each make room
    const iteratorProto = Object.getPrototypeOf(new Map().entries()) as { next(): unknown };
    const next = iteratorProto.next;
    let steps = 0;
    iteratorProto.next = function countedNext(this: unknown) {
      steps++;
      return next.call(this);
    };
    try {
      for (let i = 0; i < 1_000; i++) expect(await store.claim(`new:${i}`, 600)).toBe(true);
    } finally {
      iteratorProto.next = next;
    }
    expect(steps).toBeLessThan(1_000 * 4); // constant work per claim, not 100,000 steps each
    expect(await store.claim('fill:0', 600)).toBe(true); // the oldest were forgotten
    expect(await store.claim('fill:99999', 600)).toBe(false);
  });
});

describe.each([
  ['PostgreSQL', pgHarness],
  ['PGlite', pgliteHarness],
])('pgReplayStore on %s', (_name, makeHarness) => {
  let h: Harness;
  let tables = 0;
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(() => h.close());

  replayContract(() => pgReplayStore({ store: h.store(), table: `${h.schema}.replays_${++tables}` }));

  it('is shared by every instance using the table (migrating on first use)', async () => {
    const table = `${h.schema}.shared_replays`;
    const first = pgReplayStore({ store: h.store(), table });
    const second = pgReplayStore({ store: h.store(true), table });
    expect(await first.claim('standard:msg_shared', 60)).toBe(true);
    expect(await second.claim('standard:msg_shared', 60)).toBe(false);
    await second.migrate();
    expect(await h.rows(`SELECT key FROM "${h.schema}".shared_replays`)).toEqual([
      { key: 'standard:msg_shared' },
    ]);
  });

  it('refuses a bad store or table name', () => {
    expect(() => pgReplayStore({ store: {} as never })).toThrow(/`store`/);
    expect(() => pgReplayStore({ store: h.store(), table: 'replays; DROP TABLE x' })).toThrow(/`table`/);
  });
});

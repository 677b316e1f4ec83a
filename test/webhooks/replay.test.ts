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

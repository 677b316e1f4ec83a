/**
 * The outbox under a kill storm: 4 producers enqueue in transactions (some rolled back)
 * while 2 relay processes are SIGKILLed at seeded points, 10 times each, and restarted.
 * At the end every id is accounted for: each committed event published at least once,
 * no rolled-back event published, and each key's events first published in order.
 * Sizes: CRASH_SCALE=full → 20,000 events; CI → 4,000 (same kills). Seed: CRASH_SEED.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createOutbox, pgStore } from '../../src/outbox/index.js';
import { between, CRASH_SEED, scaled, seededRandom } from '../helpers/crash.js';
import { PG_URL, uniqueName, until } from './harness.js';

const fixture = fileURLToPath(new URL('./fixtures/relay-child.ts', import.meta.url));
const Packed = defineEvent('parcel.packed');
const EVENTS = scaled(4_000, 20_000);
const PRODUCERS = 4;
const RELAYS = 2;
const KILLS_PER_RELAY = 10;
const KEYS_PER_PRODUCER = 8;
const LEASE_MS = 1_000;

describe(`outbox kill storm: ${EVENTS} events, ${PRODUCERS} producers, ${RELAYS} relays killed ${KILLS_PER_RELAY}× each (seed ${CRASH_SEED})`, () => {
  const schema = uniqueName('canon_outbox_storm');
  const pool = new pg.Pool({ connectionString: PG_URL, max: PRODUCERS + 2 });
  const table = `${schema}.outbox`;
  const log = `"${schema}".publish_log`;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(
      `CREATE TABLE ${log} (id text, relay text, attempt int, key text, n int, at timestamptz DEFAULT clock_timestamp(), seq bigserial)`,
    );
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  /** One relay slot: runs incarnations, each SIGKILLed after a seeded number of publishes. */
  async function relaySlot(random: () => number, kills: number[], perIncarnation: [number, number]) {
    for (let incarnation = 0; ; incarnation++) {
      const child = fork(fixture, [PG_URL, table, log, String(LEASE_MS), '1', '1000'], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.add(child);
      const exited = once(child, 'exit');
      if (kills.length >= KILLS_PER_RELAY) return child; // the survivor finishes the work
      const killAfter = between(random, ...perIncarnation);
      let published = 0;
      await new Promise<void>((resolve) => {
        child.on('message', (message: { published?: string }) => {
          if (message.published && ++published === killAfter) resolve();
        });
        void exited.then(() => resolve());
      });
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
      kills.push(published);
    }
  }

  /** One producer: transactions of 1–20 events, one in ten rolled back. */
  async function produce(producer: number, count: number, random: () => number) {
    const outbox = createOutbox({ store: pgStore(pool), table });
    const committed: string[] = [];
    const rolledBack: string[] = [];
    let n = 0;
    while (n < count) {
      const size = Math.min(between(random, 1, 20), count - n);
      const rollback = random() < 0.1;
      const batch = Array.from({ length: size }, (_, i) => {
        const seq = n + i;
        return { event: createEvent(Packed, { n: seq }), key: `p${producer}-k${seq % KEYS_PER_PRODUCER}` };
      });
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await outbox.enqueueMany(client, batch);
        await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      } finally {
        client.release();
      }
      (rollback ? rolledBack : committed).push(...batch.map((item) => item.event.id));
      if (!rollback) n += size; // n numbers committed events only: per-key order is over them
      if (random() < 0.2) await new Promise((resolve) => setTimeout(resolve, between(random, 1, 20)));
    }
    return { committed, rolledBack };
  }

  it('publishes every committed event, none rolled back, each key in order', { timeout: 600_000 }, async () => {
    await createOutbox({ store: pgStore(pool), table }).migrate();
    const perIncarnation: [number, number] = [10, Math.max(20, Math.floor(EVENTS / (RELAYS * (KILLS_PER_RELAY + 1))))];
    const kills = Array.from({ length: RELAYS }, () => [] as number[]);
    const survivors = Promise.all(kills.map((k, slot) => relaySlot(seededRandom(CRASH_SEED + slot + 1), k, perIncarnation)));
    const produced = await Promise.all(
      Array.from({ length: PRODUCERS }, (_, p) => produce(p, EVENTS / PRODUCERS, seededRandom(CRASH_SEED * 31 + p))),
    );
    const committed = produced.flatMap((p) => p.committed);
    const rolledBack = produced.flatMap((p) => p.rolledBack);
    await survivors;
    expect(kills.map((k) => k.length)).toEqual([KILLS_PER_RELAY, KILLS_PER_RELAY]);

    const counts = async () =>
      (await pool.query(`SELECT count(DISTINCT id)::int AS n FROM ${log}`)).rows[0].n as number;
    await until(async () => (await counts()) >= committed.length, 300_000, 'every committed event published');

    const { rows } = await pool.query<{ id: string; key: string; n: number }>(
      `SELECT id, key, n FROM ${log} ORDER BY seq`,
    );
    const published = new Set(rows.map((row) => row.id));
    expect(committed.filter((id) => !published.has(id))).toEqual([]);
    expect(rolledBack.filter((id) => published.has(id))).toEqual([]);
    expect(published.size).toBe(committed.length);

    const firstByKey = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.id)) continue; // a re-publish after a kill: at-least-once, not a reorder
      seen.add(row.id);
      firstByKey.set(row.key, [...(firstByKey.get(row.key) ?? []), row.n]);
    }
    expect(firstByKey.size).toBe(PRODUCERS * KEYS_PER_PRODUCER);
    for (const [key, sequence] of firstByKey) {
      expect({ key, sequence }).toEqual({ key, sequence: [...sequence].sort((a, b) => a - b) });
    }
    const dead = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE status = 'dead'`);
    expect(dead.rows[0].n).toBe(0);
    console.info(
      `outbox storm: ${committed.length} committed, ${rolledBack.length} rolled back, ${rows.length - published.size} re-publishes, kills after ${kills.map((k) => k.join('/')).join(' | ')} publishes`,
    );
  });
});

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent, type EventEnvelope } from '../../src/events/index.js';
import { createOutbox, createRelay, pgStore } from '../../src/outbox/index.js';
import { PG_URL, uniqueName, until } from './harness.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

const fixture = fileURLToPath(new URL('./fixtures/relay-child.ts', import.meta.url));
const Shipped = defineEvent('parcel.shipped');
const LEASE_MS = 1_500;

describe('a relay process killed with SIGKILL mid-batch (PostgreSQL)', () => {
  const schema = uniqueName('canon_outbox_crash');
  const pool = new pg.Pool({ connectionString: PG_URL, max: 6 });
  const table = `${schema}.outbox`;
  const log = `"${schema}".publish_log`;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(
      `CREATE TABLE ${log} (id text, relay text, attempt int, key text, n int, at timestamptz DEFAULT clock_timestamp())`,
    );
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('its leased rows are reclaimed after the lease and every event is published', {
    timeout: 30_000,
  }, async () => {
    const outbox = createOutbox({ store: pgStore(pool), table });
    await outbox.migrate();
    const events = Array.from({ length: 300 }, (_, n) => createEvent(Shipped, { n }));
    const client = await pool.connect();
    await client.query('BEGIN');
    await outbox.enqueueMany(
      client,
      events.map((event, n) => ({ event, key: `k${n % 10}` })),
    );
    await client.query('COMMIT');
    client.release();

    child = fork(fixture, [PG_URL, table, log, String(LEASE_MS)], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    let childRelay = '';
    let childPublished = 0;
    child.on('message', (message: { relay?: string; published?: string }) => {
      if (message.relay) childRelay = message.relay;
      if (message.published) childPublished++;
    });
    await until(() => childPublished >= 30, 20_000, 'the child to publish');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    const orphaned = await pool.query(
      `SELECT id, locked_until FROM ${table} WHERE locked_by = $1 AND status = 'pending'`,
      [childRelay],
    );
    expect(orphaned.rowCount).toBeGreaterThan(0); // it died holding leased rows

    const published = new Map<string, number>();
    const order = new Map<string, number[]>();
    const relay = createRelay({
      outbox,
      pollIntervalMs: 50,
      publish: (event: EventEnvelope, { key }) => {
        published.set(event.id, Date.now());
        order.set(key!, [...(order.get(key!) ?? []), (event.data as { n: number }).n]);
      },
    });
    await relay.start();
    try {
      await until(async () => (await outbox.stats()).published === events.length, 20_000, 'every event');
    } finally {
      await relay.stop();
    }

    const childLog = await pool.query(`SELECT DISTINCT id FROM ${log}`);
    const everyone = new Set([...childLog.rows.map((row) => row.id), ...published.keys()]);
    expect(events.every((event) => everyone.has(event.id))).toBe(true);
    for (const row of orphaned.rows) {
      // reclaimed, and not before the dead relay's lease ran out
      expect(published.get(row.id)).toBeGreaterThanOrEqual(new Date(row.locked_until).getTime() - 50);
    }
    const attempts = await pool.query(`SELECT attempts FROM ${table} WHERE id = ANY($1)`, [
      orphaned.rows.map((r) => r.id),
    ]);
    expect(attempts.rows.every((row) => row.attempts === 2)).toBe(true);
    for (const sequence of order.values()) expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
  });
});

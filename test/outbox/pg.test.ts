import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createOutbox, createRelay, type Outbox, pgStore } from '../../src/outbox/index.js';
import { waitFor } from '../helpers/wait.js';
import { outboxContract } from './contract.js';
import { PG_URL, pgHarness, uniqueName } from './harness.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

describe('outbox on PostgreSQL', () => outboxContract(pgHarness, { events: 10_000, timeoutMs: 60_000 }));

/** Runs `fn` with its own pool and a migrated outbox in a fresh schema, dropped after. */
async function withOwnOutbox(fn: (outbox: Outbox, pool: pg.Pool) => Promise<void>): Promise<void> {
  const schema = uniqueName('canon_relay_lifecycle');
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const outbox = createOutbox({ store: pgStore(pool), table: `${schema}.outbox` });
    await outbox.migrate();
    await fn(outbox, pool);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

describe('relay lifecycle on PostgreSQL', () => {
  it('a stop() during start() releases the LISTEN connection and the cleanup timer', () =>
    withOwnOutbox(async (outbox, pool) => {
      const errors: unknown[] = [];
      const relay = createRelay({
        outbox,
        publish: async () => {},
        retentionMs: 60_000,
        cleanupIntervalMs: 20,
        onError: (error) => errors.push(error),
      });
      const starting = relay.start(); // e.g. a SIGTERM while the service boots
      await relay.stop();
      await starting;
      expect(relay.running).toBe(false);
      expect(pool.totalCount - pool.idleCount).toBe(0); // no connection left checked out
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(errors).toEqual([]);
    }));

  it('start(); stop(); start() without waiting: one running relay that publishes, and stop() releases all', () =>
    withOwnOutbox(async (outbox, pool) => {
      const published: string[] = [];
      const relay = createRelay({ outbox, publish: async (event) => void published.push(event.id) });
      void relay.start();
      const firstStop = relay.stop();
      const restarted = relay.start();
      await firstStop;
      await restarted;
      expect(relay.running).toBe(true);
      const event = createEvent(defineEvent('order.placed'), {});
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await outbox.enqueue(client, event);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      await waitFor(() => published.length === 1, 5_000, 'publish after the restart');
      expect(published).toEqual([event.id]);
      await Promise.all([relay.stop(), relay.stop()]); // a second stop waits for the same release
      expect(pool.totalCount - pool.idleCount).toBe(0);
    }));
});

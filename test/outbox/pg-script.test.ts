/**
 * pgStore's `script` (several statements in one round trip) and the claim that uses it:
 * literals read back as written whatever `standard_conforming_strings` says, a failed
 * script leaves no transaction open on the pooled connection, and a one-round-trip claim
 * leases rows like the transaction path, with its values inlined.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createOutbox, type OutboxStore, pgStore } from '../../src/outbox/index.js';
import { claim, claimSql } from '../../src/outbox/queue/claim.js';
import { sqlLiteral } from '../../src/outbox/store/literal.js';
import { requireServices } from '../helpers/services.js';
import { PG_URL, uniqueName } from './harness.js';

requireServices('postgres');

const TRICKY = ["it's", 'back\\slash', "\\'", "''", 'E\'x\'', 'dollar $1 $$ tag', 'ünïcødé ✓', '', 'a\nb'];

describe('sqlLiteral', () => {
  it('renders numbers as they are and refuses what SQL text cannot hold', () => {
    expect(sqlLiteral(30_000)).toBe('30000');
    expect(sqlLiteral(-1.5)).toBe('-1.5');
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => sqlLiteral('a\0b')).toThrow(TypeError);
  });
});

describe('pgStore script', () => {
  const schema = uniqueName('canon_outbox_script');
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1 }); // one connection: reuse is certain
  const store = pgStore(pool);
  const script = (sql: string) => (store.script as NonNullable<OutboxStore['script']>)(sql);

  beforeAll(() => pool.query(`CREATE SCHEMA "${schema}"`));
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it.each(['on', 'off'])('string literals read back as written (standard_conforming_strings %s)', async (setting) => {
    const selects = TRICKY.map((text, i) => `SELECT ${sqlLiteral(text)} AS v${i}`).join('; ');
    const results = await script(
      `BEGIN; SET LOCAL standard_conforming_strings = ${setting}; ${selects}; COMMIT`,
    );
    expect(results).toHaveLength(TRICKY.length + 3);
    expect(results.slice(2, -1).map((result, i) => result.rows[0]?.[`v${i}`])).toEqual(TRICKY);
  });

  it('resolves to one result per statement, in order', async () => {
    const results = await script(`CREATE TABLE "${schema}".t (n int); INSERT INTO "${schema}".t VALUES (1), (2); SELECT n FROM "${schema}".t ORDER BY n`);
    expect(results.map((result) => result.rowCount)).toEqual([0, 2, 2]);
    expect(results[2].rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a failing statement rolls back the script’s transaction before the connection is reused', async () => {
    await script(`CREATE TABLE "${schema}".u (n int)`);
    await expect(
      script(`BEGIN; INSERT INTO "${schema}".u VALUES (1); SELECT 1 / 0; INSERT INTO "${schema}".u VALUES (2); COMMIT`),
    ).rejects.toThrow(/division by zero/);
    // the pool has one connection: the same one, out of the failed transaction, sees nothing written
    const { rows } = await pool.query(`SELECT count(*)::int AS n, pg_current_xact_id_if_assigned() AS xid FROM "${schema}".u`);
    expect(rows).toEqual([{ n: 0, xid: null }]);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a claim through script leases due rows in seq order with the worker id inlined as written', async () => {
    const outbox = createOutbox({ store, table: `${schema}.outbox` });
    await outbox.migrate();
    const Placed = defineEvent('order.placed');
    const events = [1, 2, 3].map((n) => createEvent(Placed, { n }));
    await outbox.enqueueMany(pool, events);
    const workerId = "host'name\\with:odd$1chars";
    const options = { workerId, limit: 2, leaseMs: 60_000, maxAttempts: 10 };
    const rows = await claim(store, outbox.spec, claimSql(outbox.spec), options);
    expect(rows.map((row) => row.id)).toEqual(events.slice(0, 2).map((event) => event.id));
    expect(rows.map((row) => row.attempts)).toEqual([1, 1]);
    const leased = await pool.query(
      `SELECT id, locked_by, locked_until > now() + interval '50 seconds' AS leased FROM "${schema}".outbox WHERE locked_by IS NOT NULL ORDER BY seq`,
    );
    expect(leased.rows).toEqual(events.slice(0, 2).map((event) => ({ id: event.id, locked_by: workerId, leased: true })));
    const rest = await claim(store, outbox.spec, claimSql(outbox.spec), options);
    expect(rest.map((row) => row.id)).toEqual([events[2].id]); // the leased ones are not claimed again
  });
});

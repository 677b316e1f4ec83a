import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, getWideEvent, memorySink } from '../../src/index.js';
import { trackPg } from '../../src/tracking/pg/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from './pg-schema.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

let schema: TestSchema;
beforeAll(async () => {
  schema = await createTestSchema('pg');
});
afterAll(async () => {
  await schema?.drop();
});

function setup() {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  return { sink, canon };
}

describe('trackPg(pool)', () => {
  it('counts pool.query calls in promise, callback and query-config form, with durations', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(schema.pool());
    await canon.run({}, async () => {
      await pool.query('SELECT 1');
      await pool.query({ text: 'SELECT $1::int AS n', values: [2] });
      await new Promise<void>((resolve, reject) =>
        pool.query('SELECT $1::text AS s', ['x'], (err) => (err ? reject(err) : resolve())),
      );
      await new Promise<void>((resolve, reject) =>
        pool.query('SELECT 2', (err) => (err ? reject(err) : resolve())),
      );
    });
    const { db } = sink.events[0];
    expect(db).toMatchObject({ query_count: 4, error_count: 0, slow_queries: [] });
    expect(db.total_ms).toBeGreaterThan(0);
    expect(db.slow_queries_dropped).toBeUndefined();
  });

  it('tracks clients from pool.connect (promise and callback), created before or after trackPg', async () => {
    const { sink, canon } = setup();
    const raw = schema.pool({ max: 2 });
    const early = await raw.connect(); // a client that exists before tracking
    early.release();
    const pool = trackPg(raw);
    await canon.run({}, async () => {
      const client = await pool.connect();
      await client.query('SELECT 1');
      await client.query({ text: 'SELECT $1::int', values: [1] });
      client.release();
      await new Promise<void>((resolve, reject) =>
        pool.connect((err, client2, release) => {
          if (err || !client2) return reject(err);
          client2.query('SELECT 3', (queryErr) => {
            release();
            return queryErr ? reject(queryErr) : resolve();
          });
        }),
      );
    });
    expect(sink.events[0].db.query_count).toBe(3);
  });

  it('runs query callbacks inside the caller’s unit of work', async () => {
    const { canon } = setup();
    const pool = trackPg(schema.pool());
    const seen = await canon.run({}, async (event) => {
      const inside = await new Promise((resolve) => pool.query('SELECT 1', () => resolve(getWideEvent())));
      return inside === event;
    });
    expect(seen).toBe(true);
  });

  it('captures a slow pg_sleep query without its parameter values', async () => {
    const { sink, canon } = setup();
    // slow on purpose (1.1 s over a 1 s threshold); `SELECT 1` on the connection the pool
    // already holds is a full second under it, even on a loaded machine
    const pool = trackPg(schema.pool(), { slowQueryMs: 1_000 });
    await canon.run({}, async () => {
      await pool.query("SELECT pg_sleep($1), 'card 4242424242424242' AS secret, 42 AS n", [1.15]);
      await pool.query('SELECT 1'); // fast: not listed
    });
    const { db } = sink.events[0];
    expect(db.query_count).toBe(2);
    expect(db.slow_queries).toHaveLength(1);
    expect(db.slow_queries[0].statement).toBe('SELECT pg_sleep($1), ? AS secret, ? AS n');
    expect(db.slow_queries[0].duration_ms).toBeGreaterThanOrEqual(1_150);
    expect(db.total_ms).toBeGreaterThanOrEqual(db.slow_queries[0].duration_ms);
    expect(JSON.stringify(sink.events[0])).not.toContain('4242');
    expect(JSON.stringify(sink.events[0])).not.toContain('1.15');
  });

  it('caps the slow list and counts the overflow', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(schema.pool(), { slowQueryMs: 0, maxSlowQueries: 2 });
    await canon.run({}, async () => {
      for (let i = 0; i < 5; i++) await pool.query(`SELECT ${i}`);
    });
    const { db } = sink.events[0];
    expect(db.slow_queries).toEqual([
      { statement: 'SELECT ?', duration_ms: expect.any(Number) },
      { statement: 'SELECT ?', duration_ms: expect.any(Number) },
    ]);
    expect(db.slow_queries_dropped).toBe(3);
  });

  it('counts failing queries in error_count and rethrows the driver error unchanged', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(schema.pool());
    const err = await canon
      .run({}, async () => {
        await pool.query('SELECT 1');
        await pool.query('SELECT * FROM no_such_table');
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(pg.DatabaseError);
    expect(err.code).toBe('42P01');
    expect(sink.events[0].db).toMatchObject({ query_count: 2, error_count: 1 });
    const callbackErr = await canon.run(
      {},
      () => new Promise((resolve) => pool.query('SELEC', (e) => resolve(e))),
    );
    expect(callbackErr).toBeInstanceOf(pg.DatabaseError);
    expect(sink.events[1].db).toMatchObject({ query_count: 1, error_count: 1 });
  });

  it('counts a failed connection in error_count', async () => {
    const { sink, canon } = setup();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const pool = trackPg(new pg.Pool({ host: '127.0.0.1', port, user: 'postgres' }));
    await canon.run({}, () => pool.query('SELECT 1')).catch(() => {});
    await canon.run({}, () => pool.connect()).catch(() => {});
    expect(sink.events.map((e) => e.db?.error_count)).toEqual([1, 1]);
    await pool.end();
  });

  it('counts every statement of a transaction and keeps the rollback', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(schema.pool());
    await canon.run({}, async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO items (name) VALUES ($1)', ['kept']);
        await client.query('COMMIT');
        await client.query('BEGIN');
        await client.query('INSERT INTO items (name) VALUES ($1)', ['rolled back']);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
    expect(sink.events[0].db).toMatchObject({ query_count: 6, error_count: 0 });
    const { rows } = await pool.query('SELECT name FROM items');
    expect(rows.map((r) => r.name)).toContain('kept');
    expect(rows.map((r) => r.name)).not.toContain('rolled back');
  });

  it('is idempotent: tracking twice does not count twice', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(trackPg(schema.pool()), { slowQueryMs: 0 });
    await canon.run({}, async () => {
      await pool.query('SELECT 1');
      const client = await pool.connect();
      trackPg(client);
      await client.query('SELECT 2');
      client.release();
    });
    expect(sink.events[0].db.query_count).toBe(2);
    expect(sink.events[0].db.slow_queries).toEqual([]); // the first options stay
  });

  it('tracks a plain pg.Client', async () => {
    const { sink, canon } = setup();
    const client = trackPg(new pg.Client({ connectionString: DATABASE_URL }));
    await client.connect();
    try {
      await canon.run({}, async () => {
        await client.query('SELECT 1');
        await client.query('SELECT 2');
      });
    } finally {
      await client.end();
    }
    expect(sink.events[0].db.query_count).toBe(2);
  });

  it('does nothing outside a unit of work, and a query finishing after the emit is a late write', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(schema.pool());
    const { rows } = await pool.query('SELECT 41 + 1 AS answer');
    expect(rows[0].answer).toBe(42);
    let pending: Promise<unknown> | undefined;
    await canon.run({}, () => {
      pending = pool.query('SELECT pg_sleep(0.05)');
    });
    await pending;
    expect(sink.events[0].db).toBeUndefined();
    expect(canon.stats().late_writes).toBe(1);
  });

  it('keeps the counts of concurrent requests apart, even when they wait for the same connection', async () => {
    const { sink, canon } = setup();
    const pool = trackPg(schema.pool({ max: 1 })); // every request queues behind the others
    const server = await listen(
      http.createServer(
        canonNode(canon, async (req, res) => {
          const n = Number(req.url!.slice('/n/'.length));
          for (let i = 0; i < n; i++) {
            await new Promise((resolve, reject) =>
              pool.query('SELECT pg_sleep(0.01)', (err, result) => (err ? reject(err) : resolve(result))),
            );
          }
          res.end(String(n));
        }),
      ),
    );
    try {
      await Promise.all([2, 5, 3].map((n) => fetch(`${server.url}/n/${n}`).then((r) => r.text())));
      await waitFor(() => sink.events.length === 3);
      const counts = Object.fromEntries(sink.events.map((e) => [e.path, e.db.query_count]));
      expect(counts).toEqual({ '/n/2': 2, '/n/5': 5, '/n/3': 3 });
    } finally {
      await server.close();
    }
  });

  it('refuses what is not a pg pool or client, and bad options, naming them', () => {
    expect(() => trackPg(null as never)).toThrow(/`trackPg\(poolOrClient\)`.*got null/);
    expect(() => trackPg({} as never)).toThrow(/`trackPg\(poolOrClient\)`/);
    const pool = schema.pool();
    expect(() => trackPg(pool, { slowQueryMs: -1 })).toThrow(/`trackPg.slowQueryMs`/);
    expect(() => trackPg(pool, { slowQueryMs: '100' as never })).toThrow(/`trackPg.slowQueryMs`/);
    expect(() => trackPg(pool, { maxSlowQueries: 1.5 })).toThrow(/`trackPg.maxSlowQueries`/);
    expect(() => trackPg(pool, { slowMs: 5 } as never)).toThrow(/`trackPg.slowMs`.*unknown/);
    expect(() => trackPg(pool, 5 as never)).toThrow(
      expect.objectContaining({ code: 'CANON_INVALID_OPTION' }),
    );
  });
});

/**
 * The two stores under one interface for the shared outbox suite: real PostgreSQL on
 * 127.0.0.1 (a schema per run, dropped after) and in-process PGlite (a schema too, so the
 * same schema-qualified table names work on both).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type OutboxStore, pgliteStore, pgStore, type Queryable } from '../../src/outbox/index.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface Harness {
  readonly kind: 'pg' | 'pglite';
  /** The schema every test table lives in. */
  readonly schema: string;
  /** A store, as one relay process would have it; `second` gives an independent one. */
  store(second?: boolean): OutboxStore;
  /** Not in a transaction: a pg Pool, the PGlite instance. */
  readonly autocommit: Queryable;
  /** Runs `fn` in a transaction the way an application would (BEGIN … COMMIT / db.transaction). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` in a transaction that is rolled back. */
  rolledBack(fn: (tx: Queryable) => Promise<void>): Promise<void>;
  rows<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export async function pgHarness(): Promise<Harness> {
  const schema = uniqueName('canon_outbox_test');
  const pools = [
    new pg.Pool({ connectionString: PG_URL, max: 6 }),
    new pg.Pool({ connectionString: PG_URL, max: 6 }),
  ];
  const [app] = pools;
  await app.query(`CREATE SCHEMA "${schema}"`);
  const stores = pools.map((pool) => pgStore(pool));
  return {
    kind: 'pg',
    schema,
    store: (second) => stores[second ? 1 : 0],
    autocommit: app,
    async transaction(fn) {
      const client = await app.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    async rolledBack(fn) {
      const client = await app.connect();
      try {
        await client.query('BEGIN');
        await fn(client);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    },
    rows: async (text, params) => (await app.query(text, params)).rows,
    async close() {
      await app.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}

/** PGlite is one connection: "two relays" are two stores over the same instance. */
export async function pgliteHarness(): Promise<Harness> {
  const db = new PGlite();
  const schema = uniqueName('canon_outbox_test');
  await db.query(`CREATE SCHEMA "${schema}"`);
  const stores = [pgliteStore(db), pgliteStore(db)];
  return {
    kind: 'pglite',
    schema,
    store: (second) => stores[second ? 1 : 0],
    autocommit: db,
    transaction: (fn) => db.transaction((tx) => fn(tx)),
    rolledBack: (fn) =>
      db.transaction(async (tx) => {
        await fn(tx);
        await tx.rollback();
      }),
    rows: async (text, params) => (await db.query(text, params)).rows as any[],
    close: () => db.close(),
  };
}

/** Polls an async (or sync) `check` until it is true or `timeoutMs` passes. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, label = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { createRequire } from 'node:module';
import { sql as drizzleSql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, serial, text } from 'drizzle-orm/pg-core';
import { type Generated, Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { trackDrizzle } from '../../src/tracking/drizzle/index.js';
import { trackKysely } from '../../src/tracking/kysely/index.js';
import { createTestSchema, type TestSchema } from './pg-schema.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

const Cursor = createRequire(import.meta.url)('pg-cursor');
const items = pgTable('items', { id: serial('id').primaryKey(), name: text('name').notNull() });
interface Database {
  items: { id: Generated<number>; name: string };
}

let schema: TestSchema;
beforeAll(async () => {
  schema = await createTestSchema('orm');
});
afterAll(async () => {
  await schema?.drop();
});

function setup() {
  const sink = memorySink();
  return { sink, canon: createCanon({ sinks: [sink], handleExit: false }) };
}

describe('trackDrizzle (on top of trackPg)', () => {
  it('counts Drizzle queries and transactions, errors and slow statements without values', async () => {
    const { sink, canon } = setup();
    const db = trackDrizzle(drizzle(schema.pool()), { slowQueryMs: 0 });
    await canon.run({}, async () => {
      await db.insert(items).values({ name: 'secret-name' });
      await db.transaction(async (tx) => {
        await tx.insert(items).values({ name: 'in-tx' });
        await tx.select().from(items);
      });
      await db.execute(drizzleSql`SELECT * FROM missing_table`).catch(() => {});
    });
    const { db: fields } = sink.events[0];
    expect(fields).toMatchObject({ query_count: 6, error_count: 1 }); // insert, begin, insert, select, commit, failing
    expect(fields.slow_queries[0].statement).toBe('insert into "items" ("id", "name") values (default, $1)');
    expect(JSON.stringify(sink.events[0])).not.toContain('secret-name');
  });

  it('refuses what is not a drizzle node-postgres database', () => {
    expect(() => trackDrizzle({} as never)).toThrow(/`trackDrizzle\(db\)`/);
    expect(() => trackDrizzle(drizzle(schema.pool()), { slowQueryMs: -5 })).toThrow(
      /`trackDrizzle.slowQueryMs`/,
    );
  });
});

describe('trackKysely (native, any dialect)', () => {
  function kysely(options?: Parameters<typeof trackKysely>[1]) {
    return new Kysely<Database>({
      dialect: trackKysely(new PostgresDialect({ pool: schema.pool(), cursor: Cursor }), options),
    });
  }

  it('counts queries, transactions (begin/commit/rollback) and errors', async () => {
    const { sink, canon } = setup();
    const db = kysely();
    await canon.run({}, async () => {
      await db.insertInto('items').values({ name: 'k1' }).execute();
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'k2' }).execute();
      });
      await db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('items').values({ name: 'k3' }).execute();
          throw new Error('abort the transaction');
        })
        .catch(() => {});
      await db
        .selectFrom('nope' as never)
        .selectAll()
        .execute()
        .catch(() => {});
    });
    expect(sink.events[0].db).toMatchObject({ query_count: 8, error_count: 1 });
    const names = (await db.selectFrom('items').select('name').execute()).map((row) => row.name);
    expect(names).toContain('k2');
    expect(names).not.toContain('k3');
    await db.destroy();
  });

  it('records a slow query with Kysely’s SQL and no parameter values', async () => {
    const { sink, canon } = setup();
    const db = kysely({ slowQueryMs: 80 });
    await canon.run({}, async () => {
      await sql`SELECT pg_sleep(${0.1}), ${'top-secret'}::text`.execute(db);
    });
    expect(sink.events[0].db.slow_queries).toEqual([
      { statement: 'SELECT pg_sleep($1), $2::text', duration_ms: expect.any(Number) },
    ]);
    expect(sink.events[0].db.slow_queries[0].duration_ms).toBeGreaterThanOrEqual(90);
    await db.destroy();
  });

  it('counts a streamed query once, when the stream ends', async () => {
    const { sink, canon } = setup();
    const db = kysely();
    await canon.run({}, async () => {
      let rows = 0;
      for await (const _ of db.selectFrom('items').selectAll().stream(1)) rows++;
      expect(rows).toBeGreaterThan(0);
    });
    expect(sink.events[0].db).toMatchObject({ query_count: 1, error_count: 0 });
    await db.destroy();
  });

  it('costs nothing outside a unit of work and refuses a non-dialect', async () => {
    const db = kysely();
    const rows = await db.selectFrom('items').selectAll().execute();
    expect(Array.isArray(rows)).toBe(true);
    await db.destroy();
    expect(() => trackKysely({} as never)).toThrow(/`trackKysely\(dialect\)`/);
  });
});

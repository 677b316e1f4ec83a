/** A throwaway PostgreSQL schema per test file on the real server at 127.0.0.1:5432. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  /** A new pool whose connections use the schema (search_path). */
  pool(config?: pg.PoolConfig): pg.Pool;
  drop(): Promise<void>;
}

/** Creates `canon_<prefix>_<random>` with a table `items(id serial, name text)`. */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const name = `canon_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.query(`CREATE TABLE ${name}.items (id serial PRIMARY KEY, name text NOT NULL)`);
  await admin.end();
  const pools: pg.Pool[] = [];
  return {
    name,
    pool(config = {}) {
      const pool = new pg.Pool({
        connectionString: DATABASE_URL,
        options: `-c search_path=${name}`,
        ...config,
      });
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.allSettled(pools.map((pool) => pool.end()));
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}

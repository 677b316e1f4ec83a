/**
 * @module canon/read/ops/database
 * A PostgreSQL connection for the operations commands (`canon outbox …`, `canon webhooks
 * …`, the console's Outbox and Webhooks pages) from a URL, through node-postgres (`pg`,
 * an optional peer: a `CANON_MISSING_DEPENDENCY` error saying what to install when absent).
 */
import type { Pool } from 'pg';
import { CanonError, ErrorCodes } from '../../core/errors.js';
import { pgStore } from '../../outbox/store/pg.js';
import type { OutboxStore } from '../../outbox/store/types.js';

export interface Database {
  pool: Pool;
  /** The canon/outbox store over `pool`, as canon/outbox and canon/webhooks take it. */
  store: OutboxStore;
  close(): Promise<void>;
}

/**
 * Connects to `url` (nothing is sent until the first query).
 *
 * @example
 * const db = await openDatabase(process.env.DATABASE_URL!);
 * try { console.log(await createOutbox({ store: db.store }).stats()); } finally { await db.close(); }
 */
export async function openDatabase(url: string): Promise<Database> {
  let pg: typeof import('pg').default;
  try {
    pg = (await import('pg')).default;
  } catch (err) {
    throw new CanonError(
      ErrorCodes.MISSING_DEPENDENCY,
      'canon: the outbox and webhooks commands need node-postgres, and it is not installed: npm install pg',
      { package: 'pg' },
      { cause: err },
    );
  }
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {}); // an idle client's failure surfaces on the next query instead
  return { pool, store: pgStore(pool), close: () => pool.end() };
}

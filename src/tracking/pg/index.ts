/**
 * @module canon/pg
 * Query tracking for node-postgres: `trackPg(pool)` records every query issued inside a
 * unit of work onto its wide event as `db: { query_count, total_ms, error_count,
 * slow_queries }`. Outside a unit of work the tracked pool behaves and costs as before.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { type DbTrackingOptions, resolveDbOptions } from '../db/options.js';
import { isPool, trackPool } from './pool.js';
import { trackClientQuery } from './query.js';

export { normalizeStatement } from '../db/normalize.js';
export type { DbTrackingOptions } from '../db/options.js';
export type { DbFields, SlowQuery } from '../db/record.js';

/** A pg `Pool`, `Client` or `PoolClient`: anything with node-postgres' `query`. */
export interface PgQueryable {
  query: (...args: any[]) => any;
}

/**
 * Tracks a node-postgres `Pool` (its `pool.query` and every client from `pool.connect`,
 * now and later) or a single `Client`. Returns the same object; tracking it again does
 * nothing (the first options stay).
 *
 * @example
 * import pg from 'pg';
 * import { trackPg } from 'canon/pg';
 * const pool = trackPg(new pg.Pool({ connectionString: process.env.DATABASE_URL }), { slowQueryMs: 200 });
 * app.get('/orders', async (req, res) => {
 *   const { rows } = await pool.query('SELECT * FROM orders WHERE user_id = $1', [req.user.id]);
 *   res.json(rows); // the event gets db.query_count: 1, db.total_ms, ...
 * });
 */
export function trackPg<T extends PgQueryable>(poolOrClient: T, options?: DbTrackingOptions): T {
  if (poolOrClient === null || typeof poolOrClient !== 'object' || typeof poolOrClient.query !== 'function') {
    throw invalidOption(
      'trackPg(poolOrClient)',
      `expected a pg Pool or Client, got ${describe(poolOrClient)}`,
    );
  }
  const resolved = resolveDbOptions(options, 'trackPg');
  if (isPool(poolOrClient)) trackPool(poolOrClient, resolved);
  else trackClientQuery(poolOrClient, resolved);
  return poolOrClient;
}

/**
 * @module canon/drizzle
 * Query tracking for Drizzle ORM on node-postgres, built on `canon/pg`: the database's
 * pg pool or client (`db.$client`) is tracked, so every statement Drizzle sends —
 * transactions included — lands in the wide event's `db` field.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { type DbTrackingOptions, resolveDbOptions } from '../db/options.js';
import { type PgQueryable, trackPg } from '../pg/index.js';

export type { DbTrackingOptions } from '../db/options.js';
export type { DbFields, SlowQuery } from '../db/record.js';

/** A Drizzle database created with `drizzle-orm/node-postgres`. */
export interface DrizzleNodePgDatabase {
  $client: PgQueryable;
}

/**
 * Tracks the queries of a Drizzle node-postgres database. Returns `db`; tracking again
 * does nothing.
 *
 * @example
 * import { drizzle } from 'drizzle-orm/node-postgres';
 * import { trackDrizzle } from 'canon/drizzle';
 * const db = trackDrizzle(drizzle(process.env.DATABASE_URL!), { slowQueryMs: 200 });
 * await db.select().from(users); // inside a request: db.query_count + 1
 */
export function trackDrizzle<T extends DrizzleNodePgDatabase>(db: T, options?: DbTrackingOptions): T {
  const client = (db as Partial<DrizzleNodePgDatabase> | null)?.$client;
  if (client === null || typeof client !== 'object' || typeof client.query !== 'function') {
    throw invalidOption(
      'trackDrizzle(db)',
      `expected a drizzle-orm/node-postgres database (db.$client a pg Pool or Client), got ${describe(db)}`,
    );
  }
  resolveDbOptions(options, 'trackDrizzle'); // errors name trackDrizzle, not trackPg
  trackPg(client, options);
  return db;
}

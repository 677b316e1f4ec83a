/**
 * @module canon/kysely
 * Query tracking for Kysely, natively: `trackKysely(dialect)` wraps any Kysely dialect
 * (PostgreSQL, MySQL, SQLite, ...) so every query its connections execute — including
 * `begin`/`commit`/`rollback`, savepoints and streamed queries — lands in the wide
 * event's `db` field with Kysely's compiled SQL as the statement.
 */
import type { Dialect, Driver } from 'kysely';
import { describe, invalidOption } from '../../core/errors.js';
import { type DbTrackingOptions, resolveDbOptions } from '../db/options.js';
import { trackDriver } from './driver.js';

export type { DbTrackingOptions } from '../db/options.js';
export type { DbFields, SlowQuery } from '../db/record.js';

/**
 * Returns a dialect that behaves like `dialect` and records every query on the wide
 * event in scope. Do not also `trackPg` the pool behind it: each query would count twice.
 *
 * @example
 * import { Kysely, PostgresDialect } from 'kysely';
 * import { trackKysely } from 'canon/kysely';
 * const db = new Kysely<Database>({ dialect: trackKysely(new PostgresDialect({ pool }), { slowQueryMs: 200 }) });
 */
export function trackKysely(dialect: Dialect, options?: DbTrackingOptions): Dialect {
  if (dialect === null || typeof dialect !== 'object' || typeof dialect.createDriver !== 'function') {
    throw invalidOption('trackKysely(dialect)', `expected a Kysely Dialect, got ${describe(dialect)}`);
  }
  const resolved = resolveDbOptions(options, 'trackKysely');
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: (): Driver => trackDriver(dialect.createDriver(), resolved),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

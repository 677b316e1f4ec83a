/**
 * @module canon/tracking/kysely/driver
 * Wraps a Kysely driver's connections in place: `executeQuery` and `streamQuery` are
 * timed and recorded on the wide event in scope. Connections keep their identity, so
 * the driver's own bookkeeping (transactions, release) is untouched.
 */
import { performance } from 'node:perf_hooks';
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from 'kysely';
import { storage } from '../../core/context.js';
import type { ResolvedDbOptions } from '../db/options.js';
import { recordQuery } from '../db/record.js';

const TRACKED = Symbol.for('canon.kysely.tracked');

function trackConnection(connection: DatabaseConnection, options: ResolvedDbOptions): void {
  if ((connection as unknown as Record<symbol, unknown>)[TRACKED]) return;
  Object.defineProperty(connection, TRACKED, { value: true });
  const execute = connection.executeQuery;
  connection.executeQuery = async function canonTrackedExecute<R>(
    this: DatabaseConnection,
    query: CompiledQuery,
  ): Promise<QueryResult<R>> {
    const unit = storage.getStore();
    if (unit === undefined) return execute.call(this, query) as Promise<QueryResult<R>>;
    const started = performance.now();
    try {
      const result = (await execute.call(this, query)) as QueryResult<R>;
      recordQuery(unit, started, false, query?.sql, options);
      return result;
    } catch (err) {
      recordQuery(unit, started, true, query?.sql, options);
      throw err;
    }
  };
  const stream = connection.streamQuery;
  connection.streamQuery = async function* canonTrackedStream<R>(
    this: DatabaseConnection,
    query: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    const unit = storage.getStore();
    const rows = stream.call(this, query, chunkSize) as AsyncIterableIterator<QueryResult<R>>;
    if (unit === undefined) return yield* rows;
    const started = performance.now();
    let failed = false;
    try {
      return yield* rows;
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      recordQuery(unit, started, failed, query?.sql, options);
    }
  };
}

/**
 * Makes every connection `driver` hands out tracked. Returns the same driver.
 *
 * @example
 * createDriver: () => trackDriver(dialect.createDriver(), options)
 */
export function trackDriver(driver: Driver, options: ResolvedDbOptions): Driver {
  const acquire = driver.acquireConnection;
  driver.acquireConnection = async function canonTrackedAcquire(this: Driver) {
    const connection = await acquire.call(this);
    trackConnection(connection, options);
    return connection;
  };
  return driver;
}

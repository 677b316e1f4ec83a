/**
 * @module canon/tracking/pg/pool
 * Tracking for a node-postgres `Pool`: every client it hands out (to `pool.query` and
 * to `pool.connect`, including clients created later) gets a tracked `query`, and
 * `pool.connect` callbacks run in the caller's context. That matters: when the pool is
 * exhausted, a waiting `pool.query` is resumed by whichever request releases a client,
 * and without this its query would be counted on that other request.
 */
import { storage } from '../../core/context.js';
import type { ResolvedDbOptions } from '../db/options.js';
import { recordConnectionError } from '../db/record.js';
import { inContext, TRACKED, trackClientQuery } from './query.js';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** The part of pg-pool's `Pool` that tracking uses. */
export interface PoolLike {
  connect: (...args: any[]) => unknown;
  on: (event: 'acquire', listener: (client: { query: unknown }) => void) => unknown;
  readonly idleCount: number;
}

/** True for a pg-pool `Pool` (it counts idle clients; a `Client` does not). */
export function isPool(target: object): target is PoolLike {
  return (
    typeof (target as PoolLike).connect === 'function' &&
    typeof (target as PoolLike).on === 'function' &&
    'idleCount' in target
  );
}

/**
 * Tracks every client `pool` hands out (once per pool).
 *
 * @example
 * trackPool(pool, resolveDbOptions(undefined, 'trackPg'));
 */
export function trackPool(pool: PoolLike, options: ResolvedDbOptions): void {
  if ((pool as unknown as Record<symbol, unknown>)[TRACKED]) return;
  Object.defineProperty(pool, TRACKED, { value: true });
  pool.on('acquire', (client) => trackClientQuery(client, options));
  const connect = pool.connect as AnyFunction;
  pool.connect = function canonTrackedConnect(this: unknown, callback?: unknown): unknown {
    const unit = storage.getStore();
    if (typeof callback === 'function') {
      return connect.call(this, function canonConnected(this: unknown, err: unknown, ...rest: unknown[]) {
        if (err && unit) recordConnectionError(unit);
        return inContext(unit, callback as AnyFunction, this, [err, ...rest]);
      });
    }
    const connecting = connect.call(this) as Promise<unknown>;
    if (unit === undefined) return connecting;
    return connecting.then(undefined, (err: unknown) => {
      recordConnectionError(unit);
      throw err;
    });
  };
}

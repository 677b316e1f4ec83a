/**
 * @module canon/tracking/db/options
 * The options every database tracker shares (`trackPg`, `trackDrizzle`, `trackKysely`,
 * `prismaTracking`), validated once when tracking is set up.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { isPlainObject } from '../../core/paths.js';

export interface DbTrackingOptions {
  /** A query taking at least this many milliseconds is listed in `db.slow_queries` (default 100). */
  slowQueryMs?: number;
  /** At most this many slow queries are listed per event (default 10); more are counted in `db.slow_queries_dropped`. */
  maxSlowQueries?: number;
}

/** The options with defaults applied (what the trackers use). */
export interface ResolvedDbOptions {
  slowQueryMs: number;
  maxSlowQueries: number;
}

/**
 * Validates tracker options; throws a `CanonOptionError` naming the option.
 *
 * @example
 * resolveDbOptions({ slowQueryMs: 250 }, 'trackPg') // { slowQueryMs: 250, maxSlowQueries: 10 }
 */
export function resolveDbOptions(options: unknown, caller: string): ResolvedDbOptions {
  if (options === undefined) return { slowQueryMs: 100, maxSlowQueries: 10 };
  if (!isPlainObject(options)) {
    throw invalidOption(`${caller}(options)`, `expected an object, got ${describe(options)}`);
  }
  const { slowQueryMs = 100, maxSlowQueries = 10, ...unknown } = options as DbTrackingOptions;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined)
    throw invalidOption(`${caller}.${extra}`, 'unknown option (known: slowQueryMs, maxSlowQueries)');
  if (typeof slowQueryMs !== 'number' || !(slowQueryMs >= 0)) {
    throw invalidOption(`${caller}.slowQueryMs`, `expected a number >= 0, got ${describe(slowQueryMs)}`);
  }
  if (!Number.isInteger(maxSlowQueries) || maxSlowQueries < 0) {
    throw invalidOption(
      `${caller}.maxSlowQueries`,
      `expected an integer >= 0, got ${describe(maxSlowQueries)}`,
    );
  }
  return { slowQueryMs, maxSlowQueries };
}

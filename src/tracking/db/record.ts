/**
 * @module canon/tracking/db/record
 * Writes one finished query onto the wide event it ran for: `db.query_count`,
 * `db.total_ms`, `db.error_count` and, for slow queries, a normalized statement in
 * `db.slow_queries` (capped; the overflow is counted in `db.slow_queries_dropped`).
 */
import { performance } from 'node:perf_hooks';
import { roundMs, type WideEvent } from '../../core/event.js';
import { pushCapped, trackingFields } from '../fields.js';
import { normalizeStatement } from './normalize.js';
import type { ResolvedDbOptions } from './options.js';

export interface SlowQuery {
  /** The statement without parameter values: literals are `?`, whitespace collapsed, at most 1,000 characters. */
  statement: string;
  duration_ms: number;
}

/** The `db` field of an event. */
export interface DbFields {
  query_count: number;
  total_ms: number;
  error_count: number;
  slow_queries: SlowQuery[];
  slow_queries_dropped?: number;
}

const COUNTERS = ['query_count', 'total_ms', 'error_count'] as const;

/**
 * Records a query that started at `startedAt` (`performance.now()`) on `unit`. The
 * statement is only read, and normalized, when the query was slow.
 *
 * @example
 * const started = performance.now();
 * try { await run(); recordQuery(unit, started, false, sql, options); }
 * catch (err) { recordQuery(unit, started, true, sql, options); throw err; }
 */
export function recordQuery(
  unit: WideEvent,
  startedAt: number,
  failed: boolean,
  statement: unknown,
  options: ResolvedDbOptions,
): void {
  const ms = performance.now() - startedAt;
  const db = trackingFields<DbFields>(unit, 'db', COUNTERS, ['slow_queries']);
  if (!db) return;
  db.query_count++;
  db.total_ms = roundMs(db.total_ms + ms);
  if (failed) db.error_count++;
  if (ms < options.slowQueryMs) return;
  const text = typeof statement === 'string' ? normalizeStatement(statement) : '';
  pushCapped(db, 'slow_queries', { statement: text, duration_ms: roundMs(ms) }, options.maxSlowQueries);
}

/**
 * Records a failed attempt to get a connection: `db.error_count` only, no query.
 *
 * @example
 * pool.connect().catch((err) => { recordConnectionError(unit); throw err; });
 */
export function recordConnectionError(unit: WideEvent): void {
  const db = trackingFields<DbFields>(unit, 'db', COUNTERS, ['slow_queries']);
  if (db) db.error_count++;
}

/**
 * @module canon/tracking/db/record
 * Writes one finished query onto the wide event it ran for: `db.query_count`,
 * `db.total_ms`, `db.error_count` and, for slow queries, a normalized statement in
 * `db.slow_queries` (capped; the overflow is counted in `db.slow_queries_dropped`).
 */
import { performance } from 'node:perf_hooks';
import { roundMs, type WideEvent } from '../../core/event.js';
import { isPlainObject } from '../../core/paths.js';
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

/** The event's `db` object, created (or completed, if the app put other keys there) on first use. */
function dbFields(unit: WideEvent): DbFields {
  let db = unit.fields.db as DbFields;
  if (!isPlainObject(db)) unit.fields.db = db = {} as DbFields;
  if (typeof db.query_count !== 'number') {
    db.query_count = 0;
    db.total_ms = 0;
    db.error_count = 0;
  }
  if (!Array.isArray(db.slow_queries)) db.slow_queries = [];
  return db;
}

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
  if (unit.emitted) {
    unit.owner.lateWrite(unit, 'count', 'db.query_count');
    return;
  }
  const db = dbFields(unit);
  db.query_count++;
  db.total_ms = roundMs(db.total_ms + ms);
  if (failed) db.error_count++;
  if (ms < options.slowQueryMs) return;
  if (db.slow_queries.length < options.maxSlowQueries) {
    const text = typeof statement === 'string' ? normalizeStatement(statement) : '';
    db.slow_queries.push({ statement: text, duration_ms: roundMs(ms) });
  } else {
    db.slow_queries_dropped = (db.slow_queries_dropped ?? 0) + 1;
  }
}

/**
 * Records a failed attempt to get a connection: `db.error_count` only, no query.
 *
 * @example
 * pool.connect().catch((err) => { recordConnectionError(unit); throw err; });
 */
export function recordConnectionError(unit: WideEvent): void {
  if (unit.emitted) unit.owner.lateWrite(unit, 'count', 'db.error_count');
  else dbFields(unit).error_count++;
}

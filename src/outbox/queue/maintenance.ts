/**
 * @module canon/outbox/queue/maintenance
 * Housekeeping of a queue table: deleting done rows after their retention, putting dead
 * rows back (redrive) and counting rows by state.
 */
import { type Queryable, runQuery } from '../store/types.js';
import type { QueueSpec } from './spec.js';

/** Rows deleted per statement, so retention never holds long locks. */
const CLEANUP_CHUNK = 5_000;

export interface QueueCounts {
  /** Waiting (due or backing off), not leased. */
  pending: number;
  /** Leased by a live worker. */
  in_flight: number;
  dead: number;
  /** Done and still retained. */
  done: number;
  /** Age of the oldest pending row in ms (0 when none). */
  lag_ms: number;
}

/**
 * Deletes done rows finished more than `olderThanMs` ago; resolves to how many.
 *
 * @example
 * await cleanup(store, spec, 7 * 24 * 3600_000)
 */
export async function cleanup(db: Queryable, spec: QueueSpec, olderThanMs: number): Promise<number> {
  const t = spec.table.sql;
  let total = 0;
  for (;;) {
    const { rowCount } = await runQuery(
      db,
      `DELETE FROM ${t} WHERE seq IN (
         SELECT seq FROM ${t}
         WHERE status = '${spec.doneStatus}' AND ${spec.doneAt} < now() - $1::double precision * interval '1 millisecond'
         LIMIT ${CLEANUP_CHUNK})`,
      [olderThanMs],
    );
    total += rowCount;
    if (rowCount < CLEANUP_CHUNK) return total;
  }
}

/**
 * Puts dead rows matching `where` (SQL over the table's columns, params from $1) back to
 * pending with a fresh attempt budget; resolves to how many.
 *
 * @example
 * await redrive(store, spec, 'key = $1', ['customer-42'])
 */
export async function redrive(
  db: Queryable,
  spec: QueueSpec,
  where: string,
  params: unknown[],
): Promise<number> {
  const { rowCount } = await runQuery(
    db,
    `UPDATE ${spec.table.sql} SET status = 'pending', attempts = 0, available_at = now(), locked_by = NULL, locked_until = NULL
     WHERE status = 'dead' AND (${where})`,
    params,
  );
  return rowCount;
}

/**
 * Parks dead every never-leased-again pending row that has used up `maxAttempts` (left
 * over by a worker that ran with a higher `maxAttempts`); claims would otherwise skip it
 * forever and it would hold its key back. Workers run it once when they start. A row
 * whose lease expired (its worker died during the last attempt) is left to the next
 * claim, which parks it and hands it to the queue's `onLeaseExpired` (see ./claim).
 *
 * @example
 * await parkExhausted(store, spec, 10)
 */
export async function parkExhausted(db: Queryable, spec: QueueSpec, maxAttempts: number): Promise<number> {
  const { rowCount } = await runQuery(
    db,
    `UPDATE ${spec.table.sql} SET status = 'dead', locked_by = NULL, locked_until = NULL,
       last_error = coalesce(last_error, '{}'::jsonb) || '{"attempts_exhausted": true}'::jsonb
     WHERE status = 'pending' AND attempts >= $1 AND locked_until IS NULL`,
    [maxAttempts],
  );
  return rowCount;
}

/**
 * Counts rows by state (one scan of the table: call it for dashboards, not per event).
 *
 * @example
 * const { pending, lag_ms } = await counts(store, spec);
 */
export async function counts(db: Queryable, spec: QueueSpec): Promise<QueueCounts> {
  const { rows } = await runQuery<Record<keyof QueueCounts, string | number | null>>(
    db,
    `SELECT
       count(*) FILTER (WHERE status = 'pending' AND (locked_until IS NULL OR locked_until < now())) AS pending,
       count(*) FILTER (WHERE status = 'pending' AND locked_until >= now()) AS in_flight,
       count(*) FILTER (WHERE status = 'dead') AS dead,
       count(*) FILTER (WHERE status = '${spec.doneStatus}') AS done,
       coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')) * 1000, 0) AS lag_ms
     FROM ${spec.table.sql}`,
  );
  const row = rows[0];
  return {
    pending: Number(row.pending),
    in_flight: Number(row.in_flight),
    dead: Number(row.dead),
    done: Number(row.done),
    lag_ms: Math.max(0, Math.round(Number(row.lag_ms))),
  };
}

/**
 * @module canon/outbox/queue/settle
 * Writing the fate of leased rows. Every statement matches `locked_by = <worker>`, so a
 * worker whose lease was lost (it stalled past `leaseMs` and another worker took over)
 * cannot overwrite the newer owner's work. They commit asynchronously (`ASYNC_COMMIT`).
 */
import { type Queryable, runQuery } from '../store/types.js';
import { ASYNC_COMMIT, type QueueSpec } from './spec.js';

/** Joined into each statement so its implicit transaction commits asynchronously. */
const ASYNC = `(SELECT ${ASYNC_COMMIT}) AS async_commit`;

type Seq = string | number;

/** A failed attempt to record: retry after `delayMs`, or park dead. */
export interface Failure {
  seq: Seq;
  dead: boolean;
  delayMs: number;
  /** Stored in `last_error` (jsonb). */
  error: Record<string, unknown>;
}

/**
 * Marks rows done (`status = doneStatus`, `doneAt = now()`), or deletes them when
 * `deleteDone` (no retention).
 *
 * @example
 * await complete(store, spec, workerId, [row.seq], false);
 */
export async function complete(
  db: Queryable,
  spec: QueueSpec,
  workerId: string,
  seqs: Seq[],
  deleteDone: boolean,
) {
  if (seqs.length === 0) return;
  const t = spec.table.sql;
  const statement = deleteDone
    ? `DELETE FROM ${t} USING ${ASYNC} WHERE seq = ANY($1::bigint[]) AND locked_by = $2`
    : `UPDATE ${t} SET status = '${spec.doneStatus}', ${spec.doneAt} = now(), locked_by = NULL, locked_until = NULL
       FROM ${ASYNC} WHERE seq = ANY($1::bigint[]) AND locked_by = $2`;
  await runQuery(db, statement, [seqs, workerId]);
}

/**
 * Records failed attempts: each row becomes due again after its delay, or dead.
 *
 * @example
 * await fail(store, spec, workerId, [{ seq, dead: false, delayMs: 2000, error: { message: 'timeout' } }]);
 */
export async function fail(db: Queryable, spec: QueueSpec, workerId: string, failures: Failure[]) {
  if (failures.length === 0) return;
  await runQuery(
    db,
    `UPDATE ${spec.table.sql} r SET
       status = CASE WHEN f.dead THEN 'dead' ELSE 'pending' END,
       available_at = now() + f.delay_ms * interval '1 millisecond',
       last_error = f.error::jsonb, locked_by = NULL, locked_until = NULL
     FROM unnest($1::bigint[], $2::boolean[], $3::double precision[], $4::text[]) AS f(seq, dead, delay_ms, error), ${ASYNC}
     WHERE r.seq = f.seq AND r.locked_by = $5`,
    [
      failures.map((f) => f.seq),
      failures.map((f) => f.dead),
      failures.map((f) => f.delayMs),
      failures.map((f) => JSON.stringify(f.error)),
      workerId,
    ],
  );
}

/**
 * Gives leased rows back untried (their attempt is not counted): when a worker stops, or
 * when an earlier row of the same key failed.
 *
 * @example
 * await release(store, spec, workerId, remaining.map((row) => row.seq));
 */
export async function release(db: Queryable, spec: QueueSpec, workerId: string, seqs: Seq[]) {
  if (seqs.length === 0) return;
  await runQuery(
    db,
    `UPDATE ${spec.table.sql} SET attempts = attempts - 1, locked_by = NULL, locked_until = NULL
     FROM ${ASYNC} WHERE seq = ANY($1::bigint[]) AND locked_by = $2`,
    [seqs, workerId],
  );
}

/**
 * Extends the lease of rows still being worked on.
 *
 * @example
 * setInterval(() => renew(store, spec, workerId, inFlight, 30_000), 10_000);
 */
export async function renew(db: Queryable, spec: QueueSpec, workerId: string, seqs: Seq[], leaseMs: number) {
  if (seqs.length === 0) return;
  await runQuery(
    db,
    `UPDATE ${spec.table.sql} SET locked_until = now() + $3::double precision * interval '1 millisecond'
     FROM ${ASYNC} WHERE seq = ANY($1::bigint[]) AND locked_by = $2 AND status = 'pending'`,
    [seqs, workerId, leaseMs],
  );
}

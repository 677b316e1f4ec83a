/**
 * @module canon/outbox/queue/claim
 * Claiming rows of a queue table with a lease, keeping order per key.
 *
 * A claim is one short transaction: take the table's advisory lock (claims of one table
 * run one at a time, so each sees the leases the previous one wrote), then lease up to
 * `limit` rows `FOR UPDATE SKIP LOCKED` in `seq` order, incrementing `attempts`. A row is
 * claimable when it is pending, due (`available_at`), not under a live lease, below
 * `maxAttempts`, and no earlier pending row of its key is leased, waiting for a retry or
 * out of attempts: that keeps one key's rows in order across any number of workers,
 * while its consecutive due rows can still be claimed together. Rows with no key are
 * unordered. The claim commits asynchronously (see `ASYNC_COMMIT` in ./spec), and plans
 * without bitmap scans (see `NO_BITMAP_SCANS`). Rows whose lease expired after their last
 * allowed attempt (their worker died) are parked dead on the way, and returned too, flagged
 * `lease_expired`, so the queue's owner can record that last attempt (the webhooks'
 * delivery log does).
 */
import { sqlLiteral } from '../store/literal.js';
import type { OutboxStore } from '../store/types.js';
import { runQuery } from '../store/types.js';
import { ASYNC_COMMIT, type QueueSpec } from './spec.js';

/** The queue's own columns on a claimed row, plus the table's payload columns. */
export interface ClaimedRow {
  /** bigint: a string from node-postgres, a number from PGlite. */
  seq: string | number;
  key: string | null;
  /** This attempt's number (1 for the first). */
  attempts: number;
  created_at: Date | string;
  /** True on a row parked dead by this claim: its worker died during its last allowed attempt. */
  lease_expired: boolean;
  [column: string]: unknown;
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  maxAttempts: number;
}

/**
 * `set_config('enable_bitmapscan', 'off', true)`, for the claim transaction only. Every
 * claim and outcome is an UPDATE that leaves a dead version of the row in the pending-rows
 * index until VACUUM. A bitmap scan of that index visits every dead version each time
 * (measured at 1,000 events/s: 13,000 index entries and 870 heap pages to find 6 rows,
 * 20 ms per claim ten seconds in); a plain index scan in `seq` order marks them dead in
 * the index the first time it meets them, so later claims skip them (60 pages, under 1 ms).
 * On a table never analyzed, the planner also picks a bitmap scan plus a sort of the whole
 * backlog (300 ms per claim over 200,000 pending rows, against 1 ms in `seq` order).
 */
const NO_BITMAP_SCANS = `set_config('enable_bitmapscan', 'off', true)`;

/** Advisory-lock namespace for claims (`'cncl'`). */
const CLAIM_LOCK_CLASS = 0x636e636c;

/** SQL for the claim's four values: bind parameters, or literals (see `claimScript`). */
type ClaimArgs = readonly [worker: string, leaseMs: string, limit: string, maxAttempts: string];

/**
 * Builds the claim statement of `spec`: by default over `$1` worker, `$2` lease ms, `$3`
 * limit and `$4` max attempts; `args` puts other SQL (literals) in their place.
 */
export function claimSql(spec: QueueSpec, args: ClaimArgs = ['$1', '$2', '$3', '$4']): string {
  const [worker, leaseMs, limit, maxAttempts] = args;
  const t = spec.table.sql;
  const returning = `r.seq, r.key, r.attempts, r.created_at, ${spec.payloadColumns}`;
  return `WITH expired AS (
    UPDATE ${t} r SET status = 'dead', locked_by = NULL, locked_until = NULL,
      last_error = coalesce(r.last_error, '{}'::jsonb) || '{"lease_expired": true}'::jsonb
    WHERE r.status = 'pending' AND r.locked_until < now() AND r.attempts >= ${maxAttempts}
    RETURNING ${returning}, true AS lease_expired
  ), picked AS (
    SELECT c.seq FROM ${t} c
    WHERE c.status = 'pending' AND c.available_at <= now() AND c.attempts < ${maxAttempts}
      AND (c.locked_until IS NULL OR c.locked_until < now())
      AND (c.key IS NULL OR NOT EXISTS (
        SELECT 1 FROM ${t} e
        WHERE e.key = c.key AND e.status = 'pending' AND e.seq < c.seq
          AND (e.available_at > now() OR e.locked_until >= now() OR e.attempts >= ${maxAttempts})))
    ORDER BY c.seq
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE ${t} r SET attempts = r.attempts + 1, locked_by = ${worker},
      locked_until = now() + ${leaseMs}::double precision * interval '1 millisecond'
    FROM picked WHERE r.seq = picked.seq
    RETURNING ${returning}, false AS lease_expired
  )
  SELECT * FROM claimed UNION ALL SELECT * FROM expired`;
}

/** Takes the claims' lock of `spec`'s table, with this transaction's settings. */
function lockSql(spec: QueueSpec, key: [string, string]): string {
  return `SELECT ${ASYNC_COMMIT}, ${NO_BITMAP_SCANS}, pg_advisory_xact_lock(${key[0]}, ${key[1]})`;
}

/**
 * The whole claim as one script (one round trip with `store.script`): the transaction,
 * the lock, then the lease in its own statement, so with its own snapshot taken after
 * the lock (READ COMMITTED), as in the transaction path.
 */
function claimScript(spec: QueueSpec, options: ClaimOptions): string {
  const lock = lockSql(spec, [sqlLiteral(CLAIM_LOCK_CLASS), sqlLiteral(spec.table.lockKey)]);
  const { workerId, leaseMs, limit, maxAttempts } = options;
  const args: ClaimArgs = [sqlLiteral(workerId), sqlLiteral(leaseMs), sqlLiteral(limit), sqlLiteral(maxAttempts)];
  return `BEGIN; ${lock}; ${claimSql(spec, args)}; COMMIT`;
}

/**
 * Leases up to `options.limit` claimable rows; resolves to them in `seq` order. In one
 * round trip when the store has `script` (node-postgres), else in a transaction.
 *
 * @example
 * const rows = await claim(store, spec, claimStatement, { workerId, limit: 100, leaseMs: 30_000, maxAttempts: 10 });
 */
export async function claim(
  store: Pick<OutboxStore, 'transaction' | 'script'>,
  spec: QueueSpec,
  statement: string,
  options: ClaimOptions,
): Promise<ClaimedRow[]> {
  const rows = store.script
    ? ((await store.script(claimScript(spec, options)))[2].rows as ClaimedRow[])
    : await claimInTransaction(store, spec, statement, options);
  return rows.sort((a, b) => Number(a.seq) - Number(b.seq));
}

async function claimInTransaction(
  store: Pick<OutboxStore, 'transaction'>,
  spec: QueueSpec,
  statement: string,
  options: ClaimOptions,
): Promise<ClaimedRow[]> {
  return store.transaction(async (tx) => {
    await runQuery(tx, lockSql(spec, ['$1', '$2']), [CLAIM_LOCK_CLASS, spec.table.lockKey]);
    const result = await runQuery<ClaimedRow>(tx, statement, [
      options.workerId,
      options.leaseMs,
      options.limit,
      options.maxAttempts,
    ]);
    return result.rows;
  });
}

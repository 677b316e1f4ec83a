/**
 * @module canon/outbox/queue/spec
 * A leased work queue in one PostgreSQL table: the columns every queue table has and the
 * indexes its claims need. The outbox is one such table; webhook deliveries or a broker's
 * retry queue can be others, adding their own payload columns next to these.
 *
 * Row life: `pending` (attempts so far in `attempts`; `available_at` holds back a retry;
 * `locked_by`/`locked_until` mark a lease while a worker has it) → `<done>` (e.g.
 * `published`, stamped in `<doneAt>`) or `dead` (gave up; `last_error` says why).
 */
import type { TableName } from '../store/table-name.js';

/**
 * `set_config('synchronous_commit', 'off', true)`: the queue's own bookkeeping (claims,
 * outcomes, lease renewals) commits without waiting for the WAL flush. A database crash
 * can then lose its last fraction of a second of bookkeeping, which only means rows are
 * claimed or published again: at-least-once either way. It saves an fsync wait per
 * claim and per outcome, on the path between a commit and its publish.
 */
export const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true)`;

export interface QueueSpec {
  table: TableName;
  /** Status of finished rows: `'published'` for the outbox. */
  doneStatus: string;
  /** Column stamped when a row finishes: `'published_at'`. */
  doneAt: string;
  /** The table's own columns a claim returns besides the queue's (SQL list). */
  payloadColumns: string;
}

/**
 * Column definitions shared by every queue table, to put in its CREATE TABLE.
 *
 * @example
 * `CREATE TABLE ${t.sql} (${queueColumns(spec)}, endpoint_id text NOT NULL, body jsonb NOT NULL)`
 */
export function queueColumns(spec: QueueSpec): string {
  return `seq bigserial PRIMARY KEY,
    key text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', '${spec.doneStatus}', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    available_at timestamptz NOT NULL DEFAULT now(),
    locked_by text,
    locked_until timestamptz,
    last_error jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    ${spec.doneAt} timestamptz`;
}

/**
 * The indexes claims, retention and stats rely on (idempotent statements).
 *
 * @example
 * for (const statement of queueIndexes(spec)) await db.query(statement);
 */
export function queueIndexes(spec: QueueSpec): string[] {
  const t = spec.table;
  return [
    `CREATE INDEX IF NOT EXISTS ${t.object('claim_idx')} ON ${t.sql} (seq) WHERE status = 'pending'`,
    `CREATE INDEX IF NOT EXISTS ${t.object('key_idx')} ON ${t.sql} (key, seq) WHERE status = 'pending' AND key IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS ${t.object('lease_idx')} ON ${t.sql} (locked_until) WHERE locked_until IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS ${t.object('done_idx')} ON ${t.sql} (${spec.doneAt}) WHERE status = '${spec.doneStatus}'`,
    `CREATE INDEX IF NOT EXISTS ${t.object('dead_idx')} ON ${t.sql} (seq) WHERE status = 'dead'`,
  ];
}

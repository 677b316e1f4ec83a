/**
 * @module canon/read/ops/outbox
 * The dead rows of an outbox table, with their last errors (`canon outbox dead`, the
 * console's Outbox page). Counts and redrive are the outbox's own `stats()` and `redrive()`.
 */
import type { Outbox } from '../../outbox/outbox.js';
import { runQuery } from '../../outbox/store/types.js';

export interface DeadOutboxRow {
  id: string;
  type: string;
  topic: string;
  key: string | null;
  attempts: number;
  /** What the last attempt failed with: `{ type, message, code?, attempt, failed_at, ... }`. */
  last_error: Record<string, unknown> | null;
  created_at: string;
}

export interface DeadRowsOptions {
  /** At most this many, oldest first (default 100). */
  limit?: number;
  /** Only this event type. */
  type?: string;
}

/**
 * The dead rows of `outbox`, oldest first.
 *
 * @example
 * for (const row of await deadOutboxRows(outbox, { limit: 20 })) console.log(row.id, row.last_error?.message);
 */
export async function deadOutboxRows(outbox: Outbox, options: DeadRowsOptions = {}): Promise<DeadOutboxRow[]> {
  const { rows } = await runQuery<DeadOutboxRow & { created_at: Date | string; attempts: number | string }>(
    outbox.store,
    `SELECT id, type, topic, key, attempts, last_error, created_at FROM ${outbox.spec.table.sql}
     WHERE status = 'dead' AND ($2::text IS NULL OR type = $2) ORDER BY seq LIMIT $1`,
    [options.limit ?? 100, options.type ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    topic: row.topic,
    key: row.key ?? null,
    attempts: Number(row.attempts),
    last_error: row.last_error ?? null,
    created_at: new Date(row.created_at).toISOString(),
  }));
}

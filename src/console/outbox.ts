/**
 * @module canon/console/outbox
 * The Outbox page's data: row counts by state, the dead rows with their last error
 * (never their payload: event data is not redacted like wide events are), and redrive.
 */
import type { Outbox } from '../outbox/outbox.js';
import { ApiError } from './respond.js';

export interface DeadOutboxRow {
  id: string;
  type: string;
  key: string | null;
  attempts: number;
  last_error: unknown;
  created_at: string;
}

/** Dead rows shown at most. */
const DEAD_LIMIT = 200;

/**
 * The dead rows of `outbox`, oldest first.
 *
 * @example
 * const rows = await deadOutboxRows(outbox, 50);
 */
export async function deadOutboxRows(outbox: Outbox, limit = DEAD_LIMIT): Promise<DeadOutboxRow[]> {
  const { rows } = await outbox.store.query<DeadOutboxRow & { created_at: Date | string }>(
    `SELECT id, type, key, attempts, last_error, created_at FROM ${outbox.spec.table.sql}
     WHERE status = 'dead' ORDER BY seq LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() }));
}

/**
 * `GET api/outbox` → `{ table, stats, dead }`.
 *
 * @example
 * sendJson(res, 200, await outboxOverview(outbox));
 */
export async function outboxOverview(outbox: Outbox) {
  const [stats, dead] = await Promise.all([outbox.stats(), deadOutboxRows(outbox)]);
  return { table: outbox.table, stats, dead };
}

/**
 * `POST api/outbox-redrive` with `{ ids? }` (all dead rows without ids) → `{ redriven }`.
 *
 * @example
 * await redriveOutbox(outbox, { ids: ['0190…'] });
 */
export async function redriveOutbox(outbox: Outbox, body: Record<string, unknown>) {
  const { ids } = body;
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')))
    throw new ApiError(400, '`ids` must be an array of event ids');
  return { redriven: await outbox.redrive(ids === undefined ? undefined : { ids: ids as string[] }) };
}

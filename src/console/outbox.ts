/**
 * @module canon/console/outbox
 * The Outbox page's data: row counts by state, the dead rows with their last error
 * (never their payload: event data is not redacted like wide events are), and redrive.
 */
import type { Outbox } from '../outbox/outbox.js';
import { deadOutboxRows } from '../read/ops/outbox.js';
import { ApiError } from './respond.js';

/** Dead rows shown at most (oldest first). */
const DEAD_LIMIT = 200;

/**
 * `GET api/outbox` → `{ table, stats, dead }`.
 *
 * @example
 * sendJson(res, 200, await outboxOverview(outbox));
 */
export async function outboxOverview(outbox: Outbox) {
  const [stats, dead] = await Promise.all([outbox.stats(), deadOutboxRows(outbox, { limit: DEAD_LIMIT })]);
  // the payload stays out: event data is not redacted like wide events are
  return { table: outbox.table, stats, dead };
}

/**
 * `POST api/outbox/redrive` with `{ ids? }` (all dead rows without ids) → `{ redriven }`.
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

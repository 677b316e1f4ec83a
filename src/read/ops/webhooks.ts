/**
 * @module canon/read/ops/webhooks
 * Failed webhook deliveries (given up after the retry schedule), with their last error
 * and the endpoint's URL (`canon webhooks deliveries --failed`, the console's Webhooks
 * page). The attempt log, counts and redrive are `webhooks.deliveries.list()`,
 * `webhooks.stats()` and `webhooks.deliveries.redrive()`.
 */
import { runQuery, type Queryable } from '../../outbox/store/types.js';
import { webhookTables } from '../../webhooks/schema.js';

export interface FailedDelivery {
  endpoint_id: string;
  url: string | null;
  event_id: string;
  event_type: string;
  webhook_id: string;
  attempts: number;
  last_error: Record<string, unknown> | null;
  created_at: string;
}

export interface FailedDeliveriesOptions {
  /** The tables' prefix, as given to `createWebhooks` (default `'canon_webhook'`). */
  tablePrefix?: string;
  endpointId?: string;
  eventId?: string;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

/**
 * The deliveries that failed for good, newest first.
 *
 * @example
 * const failed = await failedDeliveries(store, { limit: 20 });
 */
export async function failedDeliveries(store: Queryable, options: FailedDeliveriesOptions = {}): Promise<FailedDelivery[]> {
  const tables = webhookTables(options.tablePrefix ?? 'canon_webhook');
  const { rows } = await runQuery<FailedDelivery & { created_at: Date | string; attempts: number | string }>(
    store,
    `SELECT d.endpoint_id, e.url, d.event_id, d.event_type, d.webhook_id, d.attempts, d.last_error, d.created_at
     FROM ${tables.deliveries.sql} d LEFT JOIN ${tables.endpoints.sql} e ON e.id = d.endpoint_id
     WHERE d.status = 'dead' AND ($2::text IS NULL OR d.endpoint_id = $2) AND ($3::text IS NULL OR d.event_id = $3)
     ORDER BY d.seq DESC LIMIT $1`,
    [options.limit ?? 100, options.endpointId ?? null, options.eventId ?? null],
  );
  return rows.map((row) => ({
    endpoint_id: row.endpoint_id,
    url: row.url ?? null,
    event_id: row.event_id,
    event_type: row.event_type,
    webhook_id: row.webhook_id,
    attempts: Number(row.attempts),
    last_error: row.last_error ?? null,
    created_at: new Date(row.created_at).toISOString(),
  }));
}

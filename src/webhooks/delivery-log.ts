/**
 * @module canon/webhooks/delivery-log
 * The delivery log: one row per attempt, written together with the endpoint's health in
 * one statement. A success ends the endpoint's failure streak; a failure starts one
 * (`failing_since`) or, once the streak is older than `disableAfterMs`, disables the
 * endpoint (`failing`); a `410 Gone` disables it at once (`gone`). Like the queue's own
 * bookkeeping it commits without waiting for the WAL flush (see `ASYNC_COMMIT` in
 * canon/outbox's queue/spec): a database crash may lose the last moment of log rows, never
 * a delivery.
 */
import { describe, invalidOption } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { isPlainObject } from '../core/paths.js';
import { ASYNC_COMMIT } from '../outbox/queue/spec.js';
import { type Queryable, runQuery } from '../outbox/store/types.js';
import type { WebhookTables } from './schema.js';
import { integerOption } from '../core/option-checks.js';

/** One attempt, as `webhooks.deliveries.list()` returns it. */
export interface DeliveryAttempt {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The `webhook-id` header: the same on every attempt of an event to an endpoint. */
  webhook_id: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** `retrying`: failed, another attempt is scheduled; `failed`: failed for good. */
  status: 'delivered' | 'failed' | 'retrying';
  response_status?: number;
  /** content-type, content-length, retry-after, location, x-request-id and server, when present. */
  response_headers?: Record<string, string>;
  /** The first 1 KB of the response body. */
  response_body?: string;
  duration_ms: number;
  /** What went wrong: `HTTP 503`, `timeout after 15000 ms`, `connect ECONNREFUSED …`. */
  error?: string;
  created_at: string;
}

export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  /** Newest first, at most this many (default 100, up to 10 000). */
  limit?: number;
}

/** @internal An attempt to record. */
export type AttemptRecord = Omit<DeliveryAttempt, 'id' | 'created_at'> & {
  delivery_seq: string | number;
  /** Whether an HTTP request was made (the endpoint's health only follows those). */
  requested: boolean;
  gone: boolean;
};

/** @internal Writes `record` and updates the endpoint's health; resolves to why the endpoint got disabled, if it is now. */
export async function recordAttempt(
  db: Queryable,
  tables: WebhookTables,
  record: AttemptRecord,
  disableAfterMs: number,
): Promise<string | undefined> {
  const stale = `coalesce(failing_since < now() - $16::double precision * interval '1 millisecond', false)`;
  const { rows } = await runQuery<{ disabled: string | null }>(
    db,
    `WITH logged AS (
      INSERT INTO ${tables.attempts.sql} (id, delivery_seq, endpoint_id, event_id, event_type, webhook_id, attempt,
        status, response_status, response_headers, response_body, duration_ms, error)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13)
      RETURNING 1
    ), health AS (
      UPDATE ${tables.endpoints.sql} SET
        failing_since = CASE WHEN $14 THEN NULL ELSE coalesce(failing_since, now()) END,
        enabled = enabled AND NOT $15 AND NOT (NOT $14 AND ${stale}),
        disabled_reason = CASE WHEN NOT enabled THEN disabled_reason WHEN $15 THEN 'gone'
          WHEN NOT $14 AND ${stale} THEN 'failing' ELSE NULL END
      WHERE id = $3 AND $17 AND (NOT $14 OR failing_since IS NOT NULL)
      RETURNING enabled, disabled_reason
    )
    SELECT (SELECT count(*) FROM logged)::int AS logged,
      (SELECT disabled_reason FROM health WHERE NOT enabled) AS disabled, (SELECT ${ASYNC_COMMIT}) AS async_commit`,
    [
      uuidv7(),
      record.delivery_seq,
      record.endpoint_id,
      record.event_id,
      record.event_type,
      record.webhook_id,
      record.attempt,
      record.status,
      record.response_status ?? null,
      record.response_headers === undefined ? null : JSON.stringify(record.response_headers),
      record.response_body ?? null,
      record.duration_ms,
      record.error ?? null,
      record.status === 'delivered',
      record.gone,
      disableAfterMs,
      record.requested,
    ],
  );
  return rows[0]?.disabled ?? undefined;
}

type Row = Omit<DeliveryAttempt, 'created_at'> & { created_at: Date | string; [column: string]: unknown };

function toAttempt(row: Row): DeliveryAttempt {
  const attempt: DeliveryAttempt = {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    webhook_id: row.webhook_id,
    attempt: row.attempt,
    status: row.status,
    duration_ms: Number(row.duration_ms),
    created_at: new Date(row.created_at).toISOString(),
  };
  for (const key of ['response_status', 'response_headers', 'response_body', 'error'] as const) {
    if (row[key] !== null && row[key] !== undefined)
      (attempt as unknown as Record<string, unknown>)[key] = row[key];
  }
  return attempt;
}

/** @internal Validates a `deliveries.list` filter. */
export function checkFilter(filter: unknown): Required<Pick<DeliveryFilter, 'limit'>> & DeliveryFilter {
  if (filter === undefined) return { limit: 100 };
  if (!isPlainObject(filter))
    throw invalidOption('filter', `expected { endpointId?, eventId?, limit? }, got ${describe(filter)}`);
  const { endpointId, eventId, limit = 100, ...rest } = filter as DeliveryFilter;
  if (Object.keys(rest).length > 0)
    throw invalidOption(
      `filter.${Object.keys(rest)[0]}`,
      'unknown filter (known: endpointId, eventId, limit)',
    );
  for (const [name, value] of [
    ['endpointId', endpointId],
    ['eventId', eventId],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      throw invalidOption(`filter.${name}`, `expected a string, got ${describe(value)}`);
  }
  integerOption(limit, 'filter.limit', undefined, { min: 1, max: 10_000 });
  return { endpointId, eventId, limit };
}

/** @internal The log, newest first. */
export async function listAttempts(
  db: Queryable,
  tables: WebhookTables,
  filter: unknown,
): Promise<DeliveryAttempt[]> {
  const { endpointId, eventId, limit } = checkFilter(filter);
  const { rows } = await runQuery<Row>(
    db,
    `SELECT id, endpoint_id, event_id, event_type, webhook_id, attempt, status, response_status, response_headers,
       response_body, duration_ms, error, created_at
     FROM ${tables.attempts.sql}
     WHERE ($1::text IS NULL OR endpoint_id = $1) AND ($2::text IS NULL OR event_id = $2)
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [endpointId ?? null, eventId ?? null, limit],
  );
  return rows.map(toAttempt);
}

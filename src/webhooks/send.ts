/**
 * @module canon/webhooks/send
 * `webhooks.send(event)`: fans a domain event out to every enabled endpoint whose
 * patterns match its type, as one `INSERT … SELECT` into the deliveries table (with a
 * NOTIFY that wakes the delivery workers at commit). Run inside the caller's transaction,
 * the deliveries exist if and only if the business change commits. Sending the same
 * event twice queues nothing new: one delivery per event and endpoint.
 */
import { getWideEvent } from '../core/context.js';
import { describe, invalidOption } from '../core/errors.js';
import { assertEnvelope, envelopeTraceIds } from '../events/envelope.js';
import { serializePayload } from '../outbox/payload.js';
import { type Queryable, runQuery } from '../outbox/store/types.js';
import type { WebhookTables } from './schema.js';

export interface SendOptions {
  /** The caller's transaction (a pg client inside BEGIN, a PGlite transaction); default: on its own. */
  tx?: Queryable;
}

export interface SendResult {
  /** Deliveries queued: one per matching enabled endpoint (none for one that already has this event). */
  deliveries: number;
}

/**
 * @internal The fan-out statement of `tables`.
 *
 * Parameters: $1 event id, $2 type, $3 webhook id, $4 correlation id, $5 trace id,
 * $6 span id, $7 body, $8 delay of the first attempt (ms), $9 tracestate.
 */
export function sendSql(tables: WebhookTables): string {
  const { endpoints, deliveries } = tables;
  return `WITH inserted AS (
    INSERT INTO ${deliveries.sql}
      (endpoint_id, event_id, event_type, webhook_id, correlation_id, trace_id, span_id, tracestate, body, available_at)
    SELECT ep.id, $1, $2, $3, $4, $5, $6, $9, $7, now() + $8::double precision * interval '1 millisecond'
    FROM ${endpoints.sql} ep
    WHERE ep.enabled AND EXISTS (
      SELECT 1 FROM unnest(ep.events) AS p(pattern)
      WHERE p.pattern = '*' OR p.pattern = $2 OR (strpos(p.pattern, '*') > 0
        AND $2 ~ ('^' || replace(replace(p.pattern, '.', '\\.'), '*', '[^.]+') || '$')))
    ON CONFLICT (endpoint_id, event_id) DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM inserted)::int AS queued,
    (SELECT count(*) FROM (SELECT pg_notify('${deliveries.channel}', '') FROM inserted LIMIT 1) n)::int AS notified`;
}

/**
 * @internal Validates `event`, then fans it out through `db`.
 *
 * @example
 * await fanOut(client, sendSql(tables), event, 0);
 */
export async function fanOut(
  db: Queryable,
  statement: string,
  event: unknown,
  firstDelayMs: number,
): Promise<SendResult> {
  assertEnvelope(event, 'event');
  if (typeof (db as Queryable | null)?.query !== 'function') {
    throw invalidOption(
      'tx',
      `expected your transaction (anything with query(sql, params)), got ${describe(db)}`,
    );
  }
  const body = serializePayload(event);
  const { traceId, spanId, traceState } = envelopeTraceIds(event);
  const { rows } = await runQuery<{ queued: number }>(db, statement, [
    event.id,
    event.type,
    event.id,
    event.correlation_id,
    traceId ?? null,
    spanId ?? null,
    body,
    firstDelayMs,
    traceState ?? null,
  ]);
  const deliveries = Number(rows[0]?.queued ?? 0);
  if (deliveries > 0) getWideEvent()?.count('webhooks.queued', deliveries);
  return { deliveries };
}

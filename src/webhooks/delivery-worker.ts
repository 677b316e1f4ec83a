/**
 * @module canon/webhooks/delivery-worker
 * The delivery worker: canon/outbox's queue worker (leased claims, LISTEN/NOTIFY with a
 * polling backstop, lease renewal, retention, hand-back on stop) over the deliveries
 * table, whose work is one attempt (./deliver), logged (./delivery-log) and observed as
 * one wide event (`kind: 'webhook'`) in the trace of the request that sent the event.
 */
import { hostname } from 'node:os';
import type { Canon } from '../core/canon.js';
import { storage } from '../core/context.js';
import { CanonError, ErrorCodes } from '../core/errors.js';
import type { WideEvent } from '../core/event.js';
import { randomHex } from '../core/ids.js';
import { parseTracestate } from '../core/tracestate.js';
import { createQueueWorker, type QueueWorker } from '../outbox/queue/worker.js';
import { createAttemptWriter } from './attempt-writer.js';
import { type AttemptOutcome, attemptDelivery, type DeliveryRow } from './deliver.js';
import type { DeliveryAttempt } from './delivery-log.js';
import type { HttpClient } from './http-client.js';
import type { ResolvedWebhooksOptions } from './options.js';
import { retryDelay } from './schedule.js';
import type { WebhookTables } from './schema.js';

const CLEANUP_INTERVAL_MS = 60_000;
/** The log's `error` for a last attempt whose worker died (its lease expired). */
const LEASE_EXPIRED_ERROR = 'the delivery worker stopped during this last attempt (lease expired)';
/** The queue worker's own timeout only catches a stuck database write after the request's own timeout. */
const WORKER_TIMEOUT_MARGIN_MS = 30_000;

function startAttempt(canon: Canon, row: DeliveryRow, maxAttempts: number): WideEvent {
  let host: string | undefined;
  try {
    host = row.endpoint ? new URL(row.endpoint.url).host : undefined;
  } catch {}
  return canon.startUnit({
    kind: 'webhook',
    traceId: row.trace_id ?? undefined,
    parentSpanId: row.span_id ?? undefined,
    traceState: row.trace_id && row.span_id ? parseTracestate(row.tracestate) : undefined,
    fields: {
      correlation_id: row.correlation_id ?? undefined,
      event: { id: row.event_id, type: row.event_type },
      webhook: {
        endpoint_id: row.endpoint_id,
        webhook_id: row.webhook_id,
        host,
        attempt: row.attempts,
        max_attempts: maxAttempts,
      },
    },
  });
}

/** The error a failed attempt throws to the queue worker (and marks on the wide event). */
function failure(row: DeliveryRow, outcome: AttemptOutcome, final: boolean, retryInMs: number | undefined) {
  const error = new CanonError(
    ErrorCodes.WEBHOOK_DELIVERY_FAILED,
    `canon: webhook ${row.webhook_id} to endpoint ${row.endpoint_id} failed (attempt ${row.attempts}): ${outcome.error}`,
    { reason: outcome.reason, response_status: outcome.response?.status },
    { cause: outcome.cause },
  );
  return Object.assign(error, { retriable: !final, retryInMs });
}

/**
 * @internal Creates the (stopped) delivery worker; `client()` is the HTTP client the
 * webhooks instance opened in `start()`.
 */
export function createDeliveryWorker(
  options: ResolvedWebhooksOptions,
  tables: WebhookTables,
  client: () => HttpClient,
  onError: (error: unknown, operation: string) => void,
): QueueWorker {
  const { store, canon, schedule, disableAfterMs } = options;
  const maxAttempts = schedule.length;
  const log = createAttemptWriter(store, tables, disableAfterMs);
  const settings = {
    timeoutMs: options.timeoutMs,
    allowPrivateNetworks: options.allowPrivateNetworks,
    userAgent: options.userAgent,
    propagateTrace: options.propagateTrace,
  };

  async function deliver(row: DeliveryRow): Promise<void> {
    const unit = canon && startAttempt(canon, row, maxAttempts);
    const outcome = unit
      ? await storage.run(unit, () => attemptDelivery(client(), row, settings))
      : await attemptDelivery(client(), row, settings);
    const final = !outcome.delivered && (!outcome.retriable || row.attempts >= maxAttempts);
    const status: DeliveryAttempt['status'] = outcome.delivered ? 'delivered' : final ? 'failed' : 'retrying';
    const retryInMs =
      status === 'retrying' ? retryDelay(schedule, row.attempts, outcome.retryAfterMs) : undefined;
    let disabled: string | undefined;
    try {
      disabled = await log.write({
        delivery_seq: row.seq,
        endpoint_id: row.endpoint_id,
        event_id: row.event_id,
        event_type: row.event_type,
        webhook_id: row.webhook_id,
        attempt: row.attempts,
        status,
        response_status: outcome.response?.status,
        response_headers: outcome.response?.headers,
        response_body: outcome.response?.body,
        duration_ms: Math.round(outcome.durationMs * 1000) / 1000,
        error: outcome.error,
        requested: outcome.requested,
        gone: outcome.gone,
      });
    } catch (error) {
      onError(error, 'log'); // the attempt happened whether or not its log row was written
    }
    const error = outcome.delivered ? undefined : failure(row, outcome, final, retryInMs);
    if (unit) {
      unit.enrich({
        webhook: {
          status,
          response_status: outcome.response?.status,
          retry_in_ms: retryInMs,
          endpoint_disabled: disabled,
          span_id: outcome.spanId,
        },
      });
      if (error) unit.markError(error);
      unit.end();
    }
    if (error) throw error;
  }

  /** A worker died during the last allowed attempt: the delivery failed; the log says so. */
  async function leaseExpired(rows: DeliveryRow[]): Promise<void> {
    for (const row of rows) {
      await log.write({
        delivery_seq: row.seq,
        endpoint_id: row.endpoint_id,
        event_id: row.event_id,
        event_type: row.event_type,
        webhook_id: row.webhook_id,
        attempt: row.attempts,
        status: 'failed',
        duration_ms: 0,
        error: LEASE_EXPIRED_ERROR,
        requested: false, // unknown: the endpoint's health is not judged on it
        gone: false,
      });
    }
  }

  return createQueueWorker<DeliveryRow>({
    store,
    spec: tables.spec,
    workerId: `${hostname()}:${process.pid}:${randomHex(3)}`,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    overlap: true, // a slow endpoint holds one slot, not the worker
    pollIntervalMs: options.pollIntervalMs,
    listen: options.listen,
    leaseMs: options.leaseMs,
    maxAttempts,
    backoff: { baseMs: schedule[1] ?? 0, maxMs: Math.max(...schedule) },
    retryDelay: (row, error) =>
      (error as { retryInMs?: number }).retryInMs ?? retryDelay(schedule, row.attempts) ?? 0,
    retentionMs: options.retentionMs,
    cleanupIntervalMs: CLEANUP_INTERVAL_MS,
    timeoutMs: options.timeoutMs + WORKER_TIMEOUT_MARGIN_MS,
    run: deliver,
    onLeaseExpired: leaseExpired,
    onError,
  });
}

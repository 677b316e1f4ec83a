/**
 * @module canon/outbox/relay
 * `createRelay`: publishes what the outbox holds. It is a queue worker (./queue/worker)
 * whose work is `publish(envelope, { topic, key, attempt })`, each attempt run as its own
 * wide event (`kind: 'outbox'`) in the trace of the request that created the event, so
 * handlers that create events keep its correlation id and name it as their cause.
 */
import { hostname } from 'node:os';
import type { Canon } from '../core/canon.js';
import { storage } from '../core/context.js';
import type { WideEvent } from '../core/event.js';
import { randomHex } from '../core/ids.js';
import { type EventEnvelope, envelopeTraceIds } from '../events/envelope.js';
import type { OutboxStats } from './outbox.js';
import type { ClaimedRow } from './queue/claim.js';
import { type AttemptReport, createQueueWorker } from './queue/worker.js';
import { type RelayOptions, type ResolvedRelayOptions, resolveRelayOptions } from './relay-options.js';
import { reportBackgroundError } from '../core/background-error.js';

export interface Relay {
  /** This relay's id, written to `locked_by` on the rows it leases. */
  readonly id: string;
  readonly running: boolean;
  /** Starts relaying; resolves once it listens (when `listen`). Calling it again does nothing. */
  start(): Promise<void>;
  /** Stops claiming, waits for the publishes in flight, hands back unstarted rows. */
  stop(): Promise<void>;
  /** The outbox's row counts: `{ pending, in_flight, dead, published, lag_ms }`. */
  stats(): Promise<OutboxStats>;
}

interface OutboxRow extends ClaimedRow {
  id: string;
  type: string;
  topic: string;
  payload: EventEnvelope;
}

/** Starts the wide event of one attempt, in the trace of the request that created the event. */
function startAttempt(
  canon: Canon,
  options: ResolvedRelayOptions,
  relayId: string,
  row: OutboxRow,
): WideEvent {
  const event = row.payload;
  const { traceId, spanId, traceState } = envelopeTraceIds(event);
  return canon.startUnit({
    kind: 'outbox',
    traceId,
    parentSpanId: spanId,
    traceState,
    fields: {
      correlation_id: event.correlation_id,
      event: { id: event.id, type: event.type, version: event.version },
      outbox: {
        table: options.outbox.table,
        topic: row.topic,
        key: row.key,
        attempt: row.attempts,
        max_attempts: options.maxAttempts,
        lag_ms: Math.max(0, Date.now() - new Date(row.created_at).getTime()),
        relay_id: relayId,
      },
    },
  });
}

function endAttempt(unit: WideEvent, report: AttemptReport): void {
  unit.set('outbox.result', report.result === 'done' ? 'published' : report.result);
  if (report.retryInMs !== undefined) unit.set('outbox.retry_in_ms', report.retryInMs);
  if (report.result !== 'done') unit.markError(report.error);
  unit.end();
}

/**
 * Creates a relay for `options.outbox` (not started).
 *
 * @example
 * const relay = createRelay({ outbox, publish: busPublisher(bus), canon });
 * await relay.start();
 * process.on('SIGTERM', () => relay.stop());
 */
export function createRelay(options: RelayOptions): Relay {
  const resolved = resolveRelayOptions(options);
  const { outbox, canon } = resolved;
  const id = `${hostname()}:${process.pid}:${randomHex(3)}`;
  const attempts = new WeakMap<OutboxRow, WideEvent>();

  function publish(row: OutboxRow): unknown {
    const context = { topic: row.topic, key: row.key, attempt: row.attempts };
    if (!canon) return resolved.publish(row.payload, context);
    const unit = startAttempt(canon, resolved, id, row);
    attempts.set(row, unit);
    return storage.run(unit, () => resolved.publish(row.payload, context));
  }

  function onError(error: unknown, operation: string): void {
    const fields = { outbox: { table: outbox.table, operation, relay_id: id } };
    reportBackgroundError({ canon, kind: 'outbox', fields, onError: resolved.onError }, error, operation);
  }

  const worker = createQueueWorker<OutboxRow>({
    store: outbox.store,
    spec: outbox.spec,
    workerId: id,
    batchSize: resolved.batchSize,
    concurrency: resolved.concurrency,
    pollIntervalMs: resolved.pollIntervalMs,
    listen: resolved.listen,
    leaseMs: resolved.leaseMs,
    maxAttempts: resolved.maxAttempts,
    backoff: resolved.backoff,
    retentionMs: resolved.retentionMs,
    cleanupIntervalMs: resolved.cleanupIntervalMs,
    timeoutMs: resolved.publishTimeoutMs,
    run: publish,
    observe(row, report) {
      const unit = attempts.get(row);
      if (unit) endAttempt(unit, report);
    },
    onError,
  });

  return {
    id,
    get running() {
      return worker.running;
    },
    start: () => worker.start(),
    stop: () => worker.stop(),
    stats: () => outbox.stats(),
  };
}

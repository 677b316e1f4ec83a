/**
 * @module canon/consumer/unit
 * The wide event of one delivery (`kind: 'message'`). It continues the trace the message
 * carries (its `traceparent` header with its `tracestate`, else the trace recorded in the
 * envelope's metadata)
 * and names the event it handles, so events the handler creates get the consumed
 * event's `correlation_id` and its id as `causation_id` (see canon/events/scope).
 *
 * ```
 * message: { source, subject_or_queue, consumer, attempt, max_attempts, redelivered, lag_ms, result, retry_in_ms? }
 * event: { id, type, version }, correlation_id, causation_id?
 * ```
 */
import type { Canon } from '../core/canon.js';
import { roundMs, type WideEvent } from '../core/event.js';
import type { Fields } from '../core/paths.js';
import { type EventEnvelope, envelopeTraceIds } from '../events/envelope.js';
import { parseTracestate } from '../core/tracestate.js';
import { parseTraceparent } from '../http/traceparent.js';
import type { MessageSource, SourceMessage } from './source.js';
import { WireHeaders } from './wire.js';

/** What the unit reads of a delivery (a Lambda record view provides just this). */
export type DeliveryView = Pick<SourceMessage, 'header' | 'subject' | 'attempt' | 'redelivered' | 'publishedAt'>;

/** Milliseconds since the broker accepted the message (else since the event was created). */
function lagMs(message: DeliveryView, envelope: EventEnvelope | undefined): number | undefined {
  const since = message.publishedAt ?? (envelope ? Date.parse(envelope.timestamp) : Number.NaN);
  return Number.isFinite(since) ? roundMs(Math.max(0, Date.now() - since)) : undefined;
}

/**
 * Starts the wide event of `message` (not yet in scope: run the handler in `storage.run`).
 * `maxAttempts` is left out of the event when unknown (SQS's redrive policy is not in
 * the Lambda event).
 *
 * @example
 * const unit = startMessageUnit(canon, source, message, envelope, 5);
 */
export function startMessageUnit(
  canon: Canon,
  source: Pick<MessageSource, 'kind' | 'consumer'>,
  message: DeliveryView,
  envelope: EventEnvelope | undefined,
  maxAttempts: number | undefined,
): WideEvent {
  const parent = parseTraceparent(message.header(WireHeaders.traceparent));
  const fields: Fields = {
    message: {
      source: source.kind,
      subject_or_queue: message.subject,
      consumer: source.consumer,
      attempt: message.attempt,
      max_attempts: maxAttempts,
      redelivered: message.redelivered,
      lag_ms: lagMs(message, envelope),
    },
  };
  if (envelope) {
    fields.correlation_id = envelope.correlation_id;
    if (envelope.causation_id) fields.causation_id = envelope.causation_id;
    fields.event = { id: envelope.id, type: envelope.type, version: envelope.version };
  }
  if (parent) {
    return canon.startUnit({
      kind: 'message',
      traceId: parent.traceId,
      parentSpanId: parent.parentSpanId,
      traceFlags: parent.flags,
      traceState: parseTracestate(message.header(WireHeaders.tracestate)),
      fields,
    });
  }
  const created = envelopeTraceIds(envelope);
  return canon.startUnit({
    kind: 'message',
    traceId: created.traceId,
    parentSpanId: created.spanId,
    traceState: created.traceState,
    fields,
  });
}

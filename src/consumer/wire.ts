/**
 * @module canon/consumer/wire
 * How Canon events travel through a broker, shared by every publisher and source:
 *
 * - the body is the envelope as JSON (`application/json`), so a consumer gets every field
 *   back, ids and metadata included;
 * - CloudEvents-style headers name the event without parsing the body (`ce-specversion`,
 *   `ce-id`, `ce-type`, `ce-source`, `ce-time`; values percent-encoded like the CloudEvents
 *   HTTP binding; NATS carries `ce-type` only, next to `Nats-Msg-Id` = the event id), and
 *   `traceparent` carries the trace of the unit that published it (the outbox relay's
 *   attempt, a request) so the consumer's wide event continues that trace: its parent-id
 *   is the send's own span id, listed with the event in that unit's
 *   `events_published[].span_id` (outside a unit: the event's `metadata.span_id`), and
 *   `tracestate` goes along unchanged when that trace has one;
 * - dead letters keep the body and headers and add `x-canon-error` (the last error, one
 *   line), `x-canon-attempts`, `x-canon-consumer` and `x-canon-failed-at`; Redis streams,
 *   which have fields instead of headers, carry them as `error`, `attempts`, `consumer`
 *   and `failed_at`;
 * - `redrive` marks the messages it moves back with `x-canon-redrive-for: <consumer>`
 *   when the destination is shared by several consumers (a NATS subject, a Redis
 *   stream), so only the consumer that gave up handles them again.
 */
import { storage } from '../core/context.js';
import { normalizeError } from '../core/normalize-error.js';
import { encodeHeaderValue } from '../events/cloudevents-attributes.js';
import { type EventEnvelope, envelopeTraceIds } from '../events/envelope.js';
import { sendSpanId } from '../events/scope.js';
import { formatTraceparent } from '../http/traceparent.js';
import type { DeadLetter } from './source.js';

export const WireHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  error: 'x-canon-error',
  attempts: 'x-canon-attempts',
  consumer: 'x-canon-consumer',
  failedAt: 'x-canon-failed-at',
  redriveFor: 'x-canon-redrive-for',
} as const;

/** Longest `x-canon-error` kept. */
const MAX_ERROR_LENGTH = 1_000;

/** A message ready for any broker: the body and its headers. */
export interface WireMessage {
  body: string;
  headers: Record<string, string>;
}

/** Adds `traceparent` (and `tracestate`) of the unit in scope, else of the event's creation. */
function addTraceContext(headers: Record<string, string>, event: EventEnvelope): void {
  const unit = storage.getStore();
  if (unit) {
    headers.traceparent = formatTraceparent(unit.trace_id, sendSpanId(unit, event), unit.traceFlags);
    if (unit.traceState !== undefined) headers.tracestate = unit.traceState;
    return;
  }
  const { traceId, spanId, traceState } = envelopeTraceIds(event);
  if (traceId === undefined || spanId === undefined) return;
  headers.traceparent = formatTraceparent(traceId, spanId);
  if (traceState !== undefined) headers.tracestate = traceState;
}

/**
 * Encodes `event` for a broker. `'compact'` headers (`ce-type` and the trace context only)
 * are for brokers whose consumers pay per header parsed (NATS), where the body is
 * authoritative and the message id already carries the event id.
 *
 * @example
 * const { body, headers } = encodeEvent(createEvent(OrderPlaced, { order_id: 'o_1' }));
 * headers['ce-type'] // 'order.placed'
 */
export function encodeEvent(
  event: EventEnvelope,
  headerSet: 'cloudevents' | 'compact' = 'cloudevents',
): WireMessage {
  const headers: Record<string, string> =
    headerSet === 'compact'
      ? { 'ce-type': event.type }
      : {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': encodeHeaderValue(event.id),
          'ce-type': event.type,
          'ce-source': encodeHeaderValue(event.source),
          'ce-time': event.timestamp,
        };
  addTraceContext(headers, event);
  return { body: JSON.stringify(event), headers };
}

/**
 * The last error as one line for `x-canon-error`: `"<type>: <message>"`, whitespace
 * collapsed, at most 1 000 characters.
 *
 * @example
 * errorSummary(new TypeError('bad\ninput')) // 'TypeError: bad input'
 */
export function errorSummary(error: unknown): string {
  const { type, message } = normalizeError(error);
  const line = `${type}: ${message}`.replace(/\s+/g, ' ').trim();
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}

/**
 * Headers a dead letter carries next to the original ones (NATS, RabbitMQ).
 *
 * @example
 * deadLetterHeaders(letter)['x-canon-attempts'] // '5'
 */
export function deadLetterHeaders(letter: DeadLetter): Record<string, string> {
  return {
    [WireHeaders.error]: letter.error,
    [WireHeaders.attempts]: String(letter.attempts),
    [WireHeaders.consumer]: letter.consumer,
    [WireHeaders.failedAt]: letter.failedAt,
  };
}

/**
 * Fields a dead letter carries next to the original ones (Redis streams), flattened for `XADD`.
 *
 * @example
 * deadLetterFields(letter) // ['error', 'Error: boom', 'attempts', '5', 'consumer', 'orders/billing', 'failed_at', '2026-…']
 */
export function deadLetterFields(letter: DeadLetter): string[] {
  return [
    'error',
    letter.error,
    'attempts',
    String(letter.attempts),
    'consumer',
    letter.consumer,
    'failed_at',
    letter.failedAt,
  ];
}

/**
 * @module canon/events/envelope
 * The event envelope every Canon event travels in, and the check that a value is one.
 * Field names are snake_case like the wide event's, so the same ids line up in logs,
 * outbox rows and broker messages.
 */
import { CanonError, describe, ErrorCodes } from '../core/errors.js';
import { SPAN_ID_PATTERN, TRACE_ID_PATTERN } from '../core/ids.js';
import { parseTracestate } from '../core/tracestate.js';

/** Free-form context carried next to the data. Canon fills `trace_id`/`span_id`/`tracestate`. */
export interface EventMetadata {
  /** 32-hex W3C trace id of the unit of work that created the event. */
  trace_id?: string;
  /**
   * 16-hex span id of the event's creation (its producer span): listed with the event in
   * the creating unit's `events_published[].span_id`, a child of that unit's `span_id`.
   * Units that handle the event (outbox relay, webhook delivery, consumers without a
   * `traceparent`) take it as their `parent_span_id`.
   */
  span_id?: string;
  /** The W3C `tracestate` of that trace, when the unit had one. */
  tracestate?: string;
  [key: string]: unknown;
}

/** The trace an event was created in, as {@link envelopeTraceIds} reads it. */
export interface EnvelopeTrace {
  traceId?: string;
  spanId?: string;
  /** Only with a valid `traceId` and `spanId`: a `tracestate` never travels without its trace. */
  traceState?: string;
}

/**
 * @internal The trace ids in an envelope's metadata (the unit that created it), each when it is
 * one (32 / 16 lowercase hex digits, not all zeros), and its `tracestate` when both are
 * and it is a valid list; metadata is free-form, so anything else is left out.
 *
 * @example
 * const { traceId, spanId, traceState } = envelopeTraceIds(event); // strings, or undefined
 */
export function envelopeTraceIds(event: EventEnvelope | undefined): EnvelopeTrace {
  const metadata = event?.metadata;
  const traceId = metadata?.trace_id;
  const spanId = metadata?.span_id;
  const trace: EnvelopeTrace = {
    traceId: typeof traceId === 'string' && TRACE_ID_PATTERN.test(traceId) ? traceId : undefined,
    spanId: typeof spanId === 'string' && SPAN_ID_PATTERN.test(spanId) ? spanId : undefined,
  };
  const traceState = metadata?.tracestate;
  if (trace.traceId && trace.spanId && typeof traceState === 'string') {
    trace.traceState = parseTracestate(traceState);
  }
  return trace;
}

/** A domain event as stored, published and delivered. */
export interface EventEnvelope<Data = unknown, Type extends string = string> {
  /** UUIDv7: unique, and sorts by creation time. */
  id: string;
  /** `<entity>.<past-tense-verb>`, e.g. `order.placed`. */
  type: Type;
  /** Schema version of `data` (a positive integer). */
  version: number;
  /** ISO-8601 creation time. */
  timestamp: string;
  /** The producing service (or an URI-reference naming it). */
  source: string;
  /** Shared by every event of one business flow; defaults to the request id in scope. */
  correlation_id: string;
  /** The id of the event that caused this one, or null for a root event. */
  causation_id: string | null;
  data: Data;
  metadata: EventMetadata;
}

/**
 * True when `value` has the envelope's shape (string id/type/source/timestamp/correlation
 * id, positive integer version, object metadata).
 *
 * @example
 * isEventEnvelope(createEvent(OrderPlaced, data)) // true
 * isEventEnvelope({ type: 'order.placed' })       // false
 */
export function isEventEnvelope(value: unknown): value is EventEnvelope {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === 'string' &&
    e.id !== '' &&
    typeof e.type === 'string' &&
    e.type !== '' &&
    Number.isInteger(e.version) &&
    (e.version as number) >= 1 &&
    typeof e.timestamp === 'string' &&
    typeof e.source === 'string' &&
    typeof e.correlation_id === 'string' &&
    (e.causation_id === null || typeof e.causation_id === 'string') &&
    'data' in e &&
    e.metadata !== null &&
    typeof e.metadata === 'object'
  );
}

/**
 * Throws a `CanonError` (code `CANON_INVALID_EVENT`) naming `field` unless `value` is an
 * envelope. Used where Canon accepts events from callers (bus, outbox).
 *
 * @example
 * assertEnvelope(event, 'event'); // then event is an EventEnvelope
 */
export function assertEnvelope(value: unknown, field: string): asserts value is EventEnvelope {
  if (!isEventEnvelope(value)) {
    throw new CanonError(
      ErrorCodes.INVALID_EVENT,
      `canon: \`${field}\` is not an event envelope (use createEvent()), got ${describe(value)}`,
      { field },
    );
  }
}

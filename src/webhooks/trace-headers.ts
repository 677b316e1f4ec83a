/**
 * @module canon/webhooks/trace-headers
 * W3C trace context on webhook requests, sent only with `createWebhooks({ propagateTrace:
 * true })`: endpoints usually belong to other organisations, and trace ids say something
 * about your system. Each attempt is a client span of its own: `traceparent` carries the
 * attempt's trace id and a new span id, recorded as `webhook.span_id` on the attempt's
 * wide event, and the trace's `tracestate` goes along unchanged. Without a wide event
 * (`canon` not set) the request continues the trace the event was created in, with its
 * `metadata.span_id` as parent-id.
 */
import { storage } from '../core/context.js';
import { newSpanId } from '../core/ids.js';
import { parseTracestate } from '../core/tracestate.js';
import { formatTraceparent } from '../http/traceparent.js';

/** The trace a delivery was queued in (its row's columns). */
export interface QueuedTrace {
  trace_id: string | null;
  span_id: string | null;
  tracestate?: string | null;
}

/**
 * Adds `traceparent` (and `tracestate`) to `headers`; returns the attempt's client span
 * id when a wide event of the attempt is in scope (to record as `webhook.span_id`).
 *
 * @example
 * const spanId = addTraceHeaders(headers, row);
 */
export function addTraceHeaders(headers: Record<string, string>, queued: QueuedTrace): string | undefined {
  const unit = storage.getStore();
  if (unit !== undefined) {
    const spanId = newSpanId();
    headers.traceparent = formatTraceparent(unit.trace_id, spanId, unit.traceFlags);
    if (unit.traceState !== undefined) headers.tracestate = unit.traceState;
    return spanId;
  }
  if (queued.trace_id === null || queued.span_id === null) return undefined;
  headers.traceparent = formatTraceparent(queued.trace_id, queued.span_id);
  const traceState = parseTracestate(queued.tracestate);
  if (traceState !== undefined) headers.tracestate = traceState;
  return undefined;
}

/**
 * @module canon/sse/connection-event
 * One wide event per SSE connection (`kind: 'sse'`), emitted when the stream ends. Request
 * id and trace context come from the request headers with the same rules as the HTTP
 * adapters; inside a request that already has a wide event (`req.canon`), the
 * connection becomes its child: same trace, `parent_request_id` set.
 */
import type { Canon } from '../core/canon.js';
import { storage } from '../core/context.js';
import type { WideEvent } from '../core/event.js';
import type { Fields } from '../core/paths.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../http/request-id.js';
import { parseTracestate } from '../core/tracestate.js';
import { pathOf } from '../http/request-target.js';
import { parseTraceparent } from '../http/traceparent.js';

/** @internal The parts of a request the connection event records. */
export interface RequestInfo {
  method: string | undefined;
  /** The request target as received (origin or absolute form). */
  url: string;
  header(name: string): string | undefined;
}

/** @internal Why a stream ended. */
export type CloseReason = 'client' | 'slow_client' | 'hub_closed' | 'server';

/** @internal What the connection reports when it ends. */
export interface ConnectionTotals {
  events_sent: number;
  bytes_sent: number;
  replayed_events: number;
  close_reason: CloseReason;
}

/**
 * @internal
 * Starts the unit of work of one connection.
 *
 * @example
 * const unit = startConnectionUnit(canon, info, ['orders'], 'u_1');
 */
export function startConnectionUnit(
  canon: Canon,
  request: RequestInfo,
  channels: readonly string[],
  userId: string | undefined,
): WideEvent {
  const fields: Fields = { method: request.method, path: pathOf(request.url) };
  const userAgent = request.header('user-agent');
  if (userAgent !== undefined) fields.user_agent = userAgent;
  fields.channels = [...channels];
  if (userId !== undefined) fields.user = { id: userId };
  const parent = storage.getStore();
  if (parent !== undefined) {
    const unit = canon.startUnit({
      kind: 'sse',
      traceId: parent.trace_id,
      parentSpanId: parent.span_id,
      traceFlags: parent.traceFlags,
      traceState: parent.traceState,
      fields,
    });
    unit.fields.parent_request_id = parent.request_id;
    return unit;
  }
  const trace = parseTraceparent(request.header('traceparent'));
  return canon.startUnit({
    kind: 'sse',
    requestId: resolveRequestId(request.header(REQUEST_ID_HEADER)),
    traceId: trace?.traceId,
    parentSpanId: trace?.parentSpanId,
    traceFlags: trace?.flags,
    traceState: trace ? parseTracestate(request.header('tracestate')) : undefined,
    fields,
  });
}

/** @internal Records the connection's totals and emits its event (once). */
export function endConnectionUnit(unit: WideEvent, totals: ConnectionTotals): void {
  unit.enrich(totals as unknown as Fields);
  unit.end();
}

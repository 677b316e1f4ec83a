/**
 * @module canon/events/scope
 * How events meet the wide event in scope. Inside a unit of work:
 * - `correlation_id` defaults to the unit's `correlation_id` field when it has one (a
 *   unit that handles an event: the outbox relay, a broker consumer), else its `request_id`;
 * - `causation_id` defaults to the unit's `event.id` field (the event being handled);
 * - `metadata.trace_id` and `tracestate` default to the unit's trace, `metadata.span_id`
 *   to a span id of the event's own (its producer span, a child of the unit's span);
 * - created events are listed in `events_published: [{ type, id, span_id }]` and bus
 *   handler failures in `event_handler_errors`, both capped (`<field>_truncated` counts
 *   the rest); an event the list has no room for gets the unit's own `span_id`, so what
 *   continues it still joins the unit's event. Events a unit sends to a broker are listed
 *   the same way (see canon/consumer/wire).
 * Units that handle an event should therefore set `correlation_id` and `event: { id, type }`.
 */
import { storage } from '../core/context.js';
import type { WideEvent } from '../core/event.js';
import { newSpanId } from '../core/ids.js';
import { normalizeError } from '../core/normalize-error.js';
import type { EventEnvelope } from './envelope.js';

/** Entries kept in `events_published` and `event_handler_errors`. */
export const SCOPE_LIST_CAP = 50;

export interface ScopeDefaults {
  correlation_id?: string;
  causation_id?: string;
  trace_id?: string;
  span_id?: string;
  tracestate?: string;
  service?: string;
}

function stringAt(unit: WideEvent, path: string): string | undefined {
  const value = unit.get(path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The defaults the unit of work in scope gives a new event (empty outside a unit).
 *
 * @example
 * scopeDefaults().correlation_id // the request id inside an HTTP request
 */
export function scopeDefaults(): ScopeDefaults {
  const unit = storage.getStore();
  if (!unit) return {};
  return {
    correlation_id: stringAt(unit, 'correlation_id') ?? unit.request_id,
    causation_id: stringAt(unit, 'event.id'),
    trace_id: unit.trace_id,
    span_id: unit.span_id,
    tracestate: unit.traceState,
    service: stringAt(unit, 'service'),
  };
}

/** Appends `item` to the array at `field`, keeping at most {@link SCOPE_LIST_CAP}. */
function appendCapped(unit: WideEvent, field: string, item: unknown): void {
  const list = unit.get(field);
  if (!Array.isArray(list) || unit.emitted) {
    unit.set(field, [item]); // after emission this is counted as a late write
  } else if (list.length < SCOPE_LIST_CAP) {
    list.push(item);
  } else {
    unit.count(`${field}_truncated`);
  }
}

/**
 * Lists `event` in the unit in scope's `events_published`; with `withSpan`, under a new
 * span id of its own, which is returned (undefined when the list has no room, the event
 * was emitted, or outside a unit).
 *
 * @example
 * recordPublished(envelope, true) // '5f0c…'; event.events_published → [{ type: 'order.placed', id: '019…', span_id: '5f0c…' }]
 */
export function recordPublished(event: EventEnvelope, withSpan = false): string | undefined {
  const unit = storage.getStore();
  return unit ? listPublished(unit, event, withSpan) : undefined;
}

function listPublished(unit: WideEvent, event: EventEnvelope, withSpan: boolean): string | undefined {
  const list = unit.get('events_published');
  const room = !unit.emitted && (!Array.isArray(list) || list.length < SCOPE_LIST_CAP);
  const spanId = withSpan && room ? newSpanId() : undefined;
  const item =
    spanId === undefined
      ? { type: event.type, id: event.id }
      : { type: event.type, id: event.id, span_id: spanId };
  appendCapped(unit, 'events_published', item);
  return spanId;
}

/**
 * The span id under which `unit` sends `event` to a broker: the one its
 * `events_published` lists for the event (created or sent before), else a new one listed
 * now, else (no room) the unit's own `span_id`.
 *
 * @example
 * formatTraceparent(unit.trace_id, sendSpanId(unit, event), unit.traceFlags)
 */
export function sendSpanId(unit: WideEvent, event: EventEnvelope): string {
  const list = unit.get('events_published');
  if (Array.isArray(list)) {
    for (const item of list as { id?: unknown; span_id?: unknown }[]) {
      if (item?.id === event.id && typeof item.span_id === 'string') return item.span_id;
    }
  }
  return listPublished(unit, event, true) ?? unit.span_id;
}

/**
 * Records a failed bus handler on `unit` (the unit in scope when `publish` was called).
 *
 * @example
 * recordHandlerError(unit, event, 'sendWelcomeEmail', err)
 */
export function recordHandlerError(
  unit: WideEvent | undefined,
  event: EventEnvelope,
  handler: string,
  reason: unknown,
): void {
  if (!unit) return;
  appendCapped(unit, 'event_handler_errors', {
    event_type: event.type,
    event_id: event.id,
    handler,
    error: normalizeError(reason),
  });
}

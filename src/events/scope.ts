/**
 * @module canon/events/scope
 * How events meet the wide event in scope. Inside a unit of work:
 * - `correlation_id` defaults to the unit's `correlation_id` field when it has one (a
 *   unit that handles an event: the outbox relay, a broker consumer), else its `request_id`;
 * - `causation_id` defaults to the unit's `event.id` field (the event being handled);
 * - `metadata.trace_id`/`span_id` default to the unit's trace and span;
 * - created events are listed in `events_published: [{ type, id }]` and bus handler
 *   failures in `event_handler_errors`, both capped (`<field>_truncated` counts the rest).
 * Units that handle an event should therefore set `correlation_id` and `event: { id, type }`.
 */
import { storage } from '../core/context.js';
import type { WideEvent } from '../core/event.js';
import { normalizeError } from '../core/normalize-error.js';
import type { EventEnvelope } from './envelope.js';

/** Entries kept in `events_published` and `event_handler_errors`. */
export const SCOPE_LIST_CAP = 50;

export interface ScopeDefaults {
  correlation_id?: string;
  causation_id?: string;
  trace_id?: string;
  span_id?: string;
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
 * Lists `event` in the unit in scope's `events_published`.
 *
 * @example
 * recordPublished(envelope) // event.events_published → [{ type: 'order.placed', id: '019…' }]
 */
export function recordPublished(event: EventEnvelope): void {
  const unit = storage.getStore();
  if (unit) appendCapped(unit, 'events_published', { type: event.type, id: event.id });
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

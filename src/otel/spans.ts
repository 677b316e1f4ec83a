/**
 * @module canon/otel/spans
 * Which span a unit of work belongs to, and the ids its event takes from it: the active
 * span when it describes this unit (not when it is the parent unit's), or a span the
 * bridge starts itself (`startSpans`), child of the incoming `traceparent`.
 */
import {
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  type Span,
  SpanKind,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { UnitIds, UnitStart } from '../core/config.js';

/** A span bridged to a unit; `owned` when the bridge started (and must end) it. */
export interface BridgedSpan {
  span: Span;
  owned: boolean;
}

const KINDS: Record<string, SpanKind> = { http: SpanKind.SERVER, message: SpanKind.CONSUMER };

/** The parent span id of an SDK span (`parentSpanContext` in SDK 2, `parentSpanId` in SDK 1). */
function parentOf(span: Span): string | undefined {
  const sdkSpan = span as { parentSpanContext?: { spanId?: string }; parentSpanId?: string };
  return sdkSpan.parentSpanContext?.spanId ?? sdkSpan.parentSpanId;
}

const hexFlags = (flags: number) => (flags & 0xff).toString(16).padStart(2, '0');

function idsOf(span: Span, unit: UnitStart, fallbackParent: string | undefined): UnitIds {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const parent = parentOf(span) ?? (traceId === unit.traceId ? fallbackParent : undefined);
  const ids: UnitIds = { traceId, spanId, parentSpanId: parent, traceFlags: hexFlags(traceFlags) };
  const serialized = traceState?.serialize();
  if (serialized) ids.traceState = serialized; // else the incoming one, when the trace is the same
  return ids;
}

/**
 * The active span when it describes the unit that is starting: a span that is the parent
 * unit's own (its id is the unit's `parentSpanId`) describes the parent, not this unit.
 *
 * @example
 * const found = activeSpanFor(unit); // { span, ids } or undefined
 */
export function activeSpanFor(unit: UnitStart): { span: Span; ids: UnitIds } | undefined {
  const span = trace.getSpan(context.active());
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext) || spanContext.spanId === unit.parentSpanId) return undefined;
  return { span, ids: idsOf(span, unit, unit.parentSpanId) };
}

/**
 * Starts a span for `unit`: child of the active span (the parent unit's), else of the
 * incoming `traceparent` (with its `tracestate`), else a new trace. Undefined when no tracer provider records.
 *
 * @example
 * const started = startSpanFor(tracer, unit);
 */
export function startSpanFor(tracer: Tracer, unit: UnitStart): { span: Span; ids: UnitIds } | undefined {
  let parent: Context = context.active();
  if (trace.getSpan(parent) === undefined && unit.traceId && unit.parentSpanId) {
    parent = trace.setSpanContext(parent, {
      traceId: unit.traceId,
      spanId: unit.parentSpanId,
      traceFlags: unit.traceFlags === undefined ? TraceFlags.SAMPLED : Number.parseInt(unit.traceFlags, 16),
      traceState: unit.traceState === undefined ? undefined : createTraceState(unit.traceState),
      isRemote: true,
    });
  }
  const method = unit.fields?.method;
  const name = unit.kind === 'http' && typeof method === 'string' ? method : unit.kind;
  const span = tracer.startSpan(name, { kind: KINDS[unit.kind] ?? SpanKind.INTERNAL }, parent);
  if (!isSpanContextValid(span.spanContext())) return undefined;
  return { span, ids: idsOf(span, unit, trace.getSpan(parent)?.spanContext().spanId) };
}

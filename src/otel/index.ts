/**
 * @module canon/otel
 * The OpenTelemetry bridge: `createCanon({ plugins: [otelBridge()] })`. A unit of work
 * that starts inside an active span takes that span's `trace_id` and `span_id` (the event
 * and the span describe the same unit); when the event is emitted its attributes
 * (flattened, redacted) are copied onto the span. With `startSpans: true` the bridge
 * starts a span for units that have none.
 */
import { performance } from 'node:perf_hooks';
import { type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { CanonPlugin } from '../core/config.js';
import { describe, invalidOption } from '../core/errors.js';
import type { WideEvent } from '../core/event.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { toAttributes } from './attributes.js';
import { activeSpanFor, type BridgedSpan, startSpanFor } from './spans.js';

export { toAttributes } from './attributes.js';

export interface OtelBridgeOptions {
  /** Copy the event's attributes onto the span when the event is emitted (default true). */
  copyAttributes?: boolean;
  /** Prefix for copied attribute keys, e.g. `'app.'` (default none). */
  attributePrefix?: string;
  /** Start a span for a unit when no span is active (default false). */
  startSpans?: boolean;
  /** The tracer for `startSpans` (default `trace.getTracer('canon')`). */
  tracer?: Tracer;
  /** Name of a started span from its finished event (default `GET /users/:id` for HTTP, else the kind). */
  spanName?: (event: Fields) => string;
}

function defaultSpanName(event: Fields): string {
  if (event.kind !== 'http') return String(event.kind);
  const route = event.route ?? event.path;
  return typeof route === 'string' ? `${event.method} ${route}` : String(event.method);
}

function checkOptions(options: unknown): OtelBridgeOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options))
    throw invalidOption('otelBridge(options)', `expected an object, got ${describe(options)}`);
  const known = ['copyAttributes', 'attributePrefix', 'startSpans', 'tracer', 'spanName'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw invalidOption(`otelBridge.${key}`, `unknown option (known: ${known.join(', ')})`);
  }
  const types: Record<string, string> = {
    copyAttributes: 'boolean',
    attributePrefix: 'string',
    startSpans: 'boolean',
    tracer: 'object',
    spanName: 'function',
  };
  for (const [key, type] of Object.entries(types)) {
    const value = options[key];
    if (value !== undefined && (typeof value !== type || value === null)) {
      throw invalidOption(`otelBridge.${key}`, `expected a ${type}, got ${describe(value)}`);
    }
  }
  return options as OtelBridgeOptions;
}

/**
 * Holds the span's real `end` back while the unit's event is not out yet: HTTP
 * instrumentations end the server span on `finish`, just before Canon emits on `close`.
 * The span still ends at the time its owner asked for.
 */
function deferEnd(unit: WideEvent, span: Span): () => void {
  const end = span.end;
  let endTime: Parameters<Span['end']>[0] | undefined;
  let requested = false;
  span.end = function canonDeferredEnd(time) {
    if (unit.emitted) return end.call(span, time);
    requested = true;
    endTime = time ?? performance.now();
  };
  return () => {
    span.end = end;
    if (requested) end.call(span, endTime);
  };
}

/**
 * The OpenTelemetry bridge plugin.
 *
 * @example
 * import { createCanon } from 'canon';
 * import { otelBridge } from 'canon/otel';
 * const canon = createCanon({ service: 'checkout', plugins: [otelBridge({ startSpans: true })] });
 */
export function otelBridge(options?: OtelBridgeOptions): CanonPlugin {
  const {
    copyAttributes = true,
    attributePrefix = '',
    startSpans = false,
    spanName = defaultSpanName,
  } = checkOptions(options);
  let tracer = options?.tracer;
  const units = new WeakMap<WideEvent, BridgedSpan & { release?: () => void }>();
  let pending: BridgedSpan | undefined; // handed from ids() to onStart(), both synchronous in startUnit

  return {
    name: 'otel',
    ids(unit) {
      pending = undefined;
      const active = activeSpanFor(unit);
      if (active) {
        pending = { span: active.span, owned: false };
        return active.ids;
      }
      if (!startSpans) return undefined;
      tracer ??= trace.getTracer('canon');
      const started = startSpanFor(tracer, unit);
      if (started) pending = { span: started.span, owned: true };
      return started?.ids;
    },
    onStart(unit) {
      const bridged = pending;
      pending = undefined;
      if (bridged === undefined || bridged.span.spanContext().spanId !== unit.span_id) {
        if (bridged?.owned) bridged.span.end(); // another plugin's ids won: ours is not needed
        return;
      }
      const release = copyAttributes && !bridged.owned ? deferEnd(unit, bridged.span) : undefined;
      units.set(unit, { ...bridged, release });
    },
    onFinalize(event, unit) {
      const bridged = units.get(unit);
      if (bridged === undefined) return;
      units.delete(unit);
      const { span, owned } = bridged;
      if (copyAttributes && span.isRecording()) span.setAttributes(toAttributes(event, attributePrefix));
      if (owned) {
        span.updateName(spanName(event));
        if (event.outcome === 'error') {
          const message = (event.error as { message?: unknown } | undefined)?.message;
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: typeof message === 'string' ? message : undefined,
          });
        }
        span.end();
      }
      bridged.release?.();
    },
  };
}

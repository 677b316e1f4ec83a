/**
 * @module canon/tracking/fetch/propagation
 * The headers a callee needs to join the caller's trace. Each call is a client span of
 * its own: `traceparent` carries the caller's trace id and a new span id (recorded on
 * the call as `external.calls[i].span_id`, so the callee's `parent_span_id` names the
 * call), `tracestate` goes along unchanged when the unit has one, and `x-request-id`.
 * Headers the caller set itself are never overwritten; a caller's own `traceparent`
 * keeps Canon's `tracestate` out too (the list belongs to the trace it came with).
 */
import type { WideEvent } from '../../core/event.js';
import { newSpanId } from '../../core/ids.js';
import { isPlainObject } from '../../core/paths.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import { formatTraceparent } from '../../http/traceparent.js';

type HeaderPairs = [string, string][];

/**
 * The span id of a call about to start in `unit`: a new one while the event still lists
 * calls (`external.calls` holds fewer than `maxCalls`), else the unit's own, so that the
 * callee of a call the event will not list still joins the caller's event.
 */
function callSpanId(unit: WideEvent, maxCalls: number): { spanId: string; listed: boolean } {
  const external = unit.fields.external;
  const calls = isPlainObject(external) ? external.calls : undefined;
  const listed = Array.isArray(calls) ? calls.length < maxCalls : maxCalls > 0;
  return { spanId: listed ? newSpanId() : unit.span_id, listed };
}

/**
 * The propagation headers for a call made inside `unit` as the client span `spanId`.
 *
 * @example
 * propagationHeaders(unit, spanId) // [['traceparent', '00-…-…-01'], ['tracestate', 'rojo=…'], ['x-request-id', '019a…']]
 */
export function propagationHeaders(unit: WideEvent, spanId: string): HeaderPairs {
  const pairs: HeaderPairs = [['traceparent', formatTraceparent(unit.trace_id, spanId, unit.traceFlags)]];
  if (unit.traceState !== undefined) pairs.push(['tracestate', unit.traceState]);
  pairs.push([REQUEST_ID_HEADER, unit.request_id]);
  return pairs;
}

function hasHeader(names: Iterable<unknown>, name: string): boolean {
  for (const candidate of names) if (String(candidate).toLowerCase() === name) return true;
  return false;
}

/** What one call made in a unit adds to its headers, and the span id to record on it. */
export interface CallPropagation {
  /** Headers to add: none the caller set; no trace headers after the caller's own `traceparent`. */
  pairs: HeaderPairs;
  /** The call's client span id when Canon's `traceparent` carries it and the event lists the call. */
  spanId: string | undefined;
}

/**
 * The propagation of one call about to start in `unit`, whose request already has
 * headers named `names`.
 *
 * @example
 * const { pairs, spanId } = callPropagation(unit, options.maxCalls, [...headers.keys()]);
 */
export function callPropagation(unit: WideEvent, maxCalls: number, names: unknown[]): CallPropagation {
  const traced = !hasHeader(names, 'traceparent');
  const call = traced ? callSpanId(unit, maxCalls) : undefined;
  const pairs = propagationHeaders(unit, call?.spanId ?? unit.span_id).filter(
    ([name]) => !hasHeader(names, name) && (traced || (name !== 'traceparent' && name !== 'tracestate')),
  );
  return { pairs, spanId: call?.listed ? call.spanId : undefined };
}

/**
 * Adds the propagation of one call to undici dispatch headers in any of their shapes (a
 * record, a flat `[name, value, ...]` array, an iterable of `[name, value]` pairs),
 * keeping what is already set. Returns new headers (the caller's object is not
 * modified) and the call's span id to record.
 *
 * @example
 * const { headers, spanId } = withPropagation(opts.headers, unit, options.maxCalls);
 */
export function withPropagation(
  headers: unknown,
  unit: WideEvent,
  maxCalls: number,
): { headers: unknown; spanId: string | undefined } {
  if (headers == null) {
    const { pairs, spanId } = callPropagation(unit, maxCalls, []);
    return { headers: Object.fromEntries(pairs), spanId };
  }
  if (Array.isArray(headers) || typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const flat = Array.isArray(headers) ? [...headers] : [...(headers as Iterable<unknown[]>)].flat();
    const names = flat.filter((_, i) => i % 2 === 0);
    const { pairs, spanId } = callPropagation(unit, maxCalls, names);
    for (const [name, value] of pairs) flat.push(name, value);
    return { headers: flat, spanId };
  }
  const out = { ...(headers as Record<string, unknown>) };
  const { pairs, spanId } = callPropagation(unit, maxCalls, Object.keys(out));
  for (const [name, value] of pairs) out[name] = value;
  return { headers: out, spanId };
}

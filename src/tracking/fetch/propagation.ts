/**
 * @module canon/tracking/fetch/propagation
 * The headers a callee needs to join the caller's trace: `traceparent` with the caller
 * event's trace id and span id (the callee's event gets `parent_span_id` = that span
 * id), and `x-request-id`. Headers the caller set itself are never overwritten.
 */
import type { WideEvent } from '../../core/event.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import { formatTraceparent } from '../../http/traceparent.js';

type HeaderPairs = [string, string][];

/**
 * The propagation headers for a call made inside `unit`.
 *
 * @example
 * propagationHeaders(unit) // [['traceparent', '00-…-…-01'], ['x-request-id', '019a…']]
 */
export function propagationHeaders(unit: WideEvent): HeaderPairs {
  return [
    ['traceparent', formatTraceparent(unit.trace_id, unit.span_id, unit.traceFlags)],
    [REQUEST_ID_HEADER, unit.request_id],
  ];
}

function hasHeader(names: Iterable<unknown>, name: string): boolean {
  for (const candidate of names) if (String(candidate).toLowerCase() === name) return true;
  return false;
}

/**
 * Adds `extra` to undici dispatch headers in any of their shapes (a record, a flat
 * `[name, value, ...]` array, an iterable of `[name, value]` pairs), keeping what is
 * already set. Returns new headers; the caller's object is not modified.
 *
 * @example
 * withHeaders({ accept: 'text/html' }, [['traceparent', tp]]) // { accept: 'text/html', traceparent: tp }
 */
export function withHeaders(headers: unknown, extra: HeaderPairs): unknown {
  if (headers == null) return Object.fromEntries(extra);
  if (Array.isArray(headers) || typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const flat = Array.isArray(headers) ? [...headers] : [...(headers as Iterable<unknown[]>)].flat();
    const names = flat.filter((_, i) => i % 2 === 0);
    for (const [name, value] of extra) if (!hasHeader(names, name)) flat.push(name, value);
    return flat;
  }
  const out = { ...(headers as Record<string, unknown>) };
  for (const [name, value] of extra) if (!hasHeader(Object.keys(out), name)) out[name] = value;
  return out;
}

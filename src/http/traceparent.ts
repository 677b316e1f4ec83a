/**
 * @module canon/http/traceparent
 * W3C Trace Context `traceparent` parsing and formatting. Malformed headers, all-zero
 * ids and version `ff` are rejected (the request then starts a new trace).
 */
import { SAMPLED_FLAGS } from '../core/ids.js';

export interface TraceParent {
  traceId: string;
  parentSpanId: string;
  flags: string;
}

function isLowerHex(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** A lowercase hex id that is not all zeros (W3C forbids all-zero trace and span ids). */
function isId(value: string, from: number, to: number): boolean {
  if (!isLowerHex(value, from, to)) return false;
  for (let i = from; i < to; i++) if (value.charCodeAt(i) !== 48) return true;
  return false;
}

/**
 * Parses `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`; undefined if invalid.
 * Future versions are accepted when their first four fields have this shape.
 *
 * @example
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
 * // { traceId: '4bf9…4736', parentSpanId: '00f067aa0ba902b7', flags: '01' }
 */
export function parseTraceparent(header: string | string[] | undefined | null): TraceParent | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (value.length < 55) return undefined;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45)
    return undefined;
  const version = value.slice(0, 2);
  if (!isLowerHex(value, 0, 2) || version === 'ff') return undefined;
  if (version === '00' && value.length !== 55) return undefined;
  if (value.length > 55 && value.charCodeAt(55) !== 45) return undefined;
  if (!isId(value, 3, 35) || !isId(value, 36, 52) || !isLowerHex(value, 53, 55)) return undefined;
  return { traceId: value.slice(3, 35), parentSpanId: value.slice(36, 52), flags: value.slice(53, 55) };
}

/**
 * Formats a version-00 `traceparent` header value.
 *
 * @example
 * formatTraceparent(event.trace_id, event.span_id) // '00-…-…-01'
 */
export function formatTraceparent(traceId: string, spanId: string, flags = SAMPLED_FLAGS): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

/**
 * @module canon/http/traceparent
 * W3C Trace Context Level 1 `traceparent` parsing and formatting, as the spec's test
 * suite expects of a vendor service: malformed headers, upper-case hex, all-zero ids
 * and version `ff` are rejected (the unit then starts a new trace); a future version is
 * read from its first four fields when they have the version-00 shape and are followed
 * by the end or a `-`; spaces and tabs around the value are ignored. Two `traceparent`
 * header lines arrive joined (`a, b`) and are rejected as one malformed value. Only the
 * `sampled` bit of the flags is kept and sent: Level 1 defines no other.
 */
import { flatSlice } from '../core/flat-string.js';
import { levelOneFlags, SAMPLED_FLAGS } from '../core/ids.js';

export interface TraceParent {
  traceId: string;
  parentSpanId: string;
  /** `'01'` (sampled) or `'00'`. */
  flags: string;
}

/** Length of a version-00 value: `vv-<32>-<16>-ff`. */
const LENGTH = 55;

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

/** True for HTTP optional whitespace (space, horizontal tab). */
function isOws(code: number): boolean {
  return code === 32 || code === 9;
}

/** `header` without the spaces and tabs around it (no copy when there are none). */
function withoutOws(header: string): string {
  let from = 0;
  let to = header.length;
  while (from < to && isOws(header.charCodeAt(from))) from++;
  while (to > from && isOws(header.charCodeAt(to - 1))) to--;
  return from === 0 && to === header.length ? header : header.slice(from, to);
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
  const value = withoutOws(header);
  if (value.length < LENGTH) return undefined;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45)
    return undefined;
  if (!isLowerHex(value, 0, 2)) return undefined;
  const version = value.slice(0, 2);
  if (version === 'ff') return undefined;
  if (value.length > LENGTH && (version === '00' || value.charCodeAt(LENGTH) !== 45)) return undefined;
  if (!isId(value, 3, 35) || !isId(value, 36, 52) || !isLowerHex(value, 53, 55)) return undefined;
  return {
    // flat copies: the ids go into the event (see core/flat-string)
    traceId: flatSlice(value, 3, 35),
    parentSpanId: flatSlice(value, 36, 52),
    flags: levelOneFlags(value.slice(53, 55)),
  };
}

/**
 * Formats a version-00 `traceparent` header value (flags other than `sampled` are sent as zero).
 *
 * @example
 * formatTraceparent(event.trace_id, event.span_id) // '00-…-…-01'
 */
export function formatTraceparent(traceId: string, spanId: string, flags = SAMPLED_FLAGS): string {
  return `00-${traceId}-${spanId}-${levelOneFlags(flags)}`;
}

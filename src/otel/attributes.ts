/**
 * @module canon/otel/attributes
 * Turns a wide event into OpenTelemetry span attributes: nested objects are flattened
 * to dotted keys (`user.id`), scalars and arrays of one scalar type are kept, and ids
 * the span already carries (`trace_id`, `span_id`, `parent_span_id`) are left out.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { type Fields, isPlainObject } from '../core/paths.js';

const SPAN_NATIVE = new Set(['trace_id', 'span_id', 'parent_span_id', 'timestamp']);
const MAX_DEPTH = 5;

function scalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function homogeneous(values: unknown[]): AttributeValue | undefined {
  if (values.length === 0) return undefined;
  const type = typeof values[0];
  if (!scalar(values[0]) || !values.every((value) => typeof value === type && scalar(value)))
    return undefined;
  return values as AttributeValue;
}

function flattenInto(out: Attributes, value: unknown, key: string, depth: number): void {
  if (scalar(value)) out[key] = value;
  else if (Array.isArray(value)) {
    const array = homogeneous(value);
    if (array !== undefined) out[key] = array;
  } else if (isPlainObject(value) && depth < MAX_DEPTH) {
    for (const child in value) flattenInto(out, value[child], `${key}.${child}`, depth + 1);
  }
}

/**
 * The attributes for `event`, keys prefixed with `prefix`.
 *
 * @example
 * toAttributes({ user: { id: 'u_1' }, status_code: 200, trace_id: '…' }, '')
 * // { 'user.id': 'u_1', status_code: 200 }
 */
export function toAttributes(event: Fields, prefix: string): Attributes {
  const out: Attributes = {};
  for (const key in event) {
    if (!SPAN_NATIVE.has(key)) flattenInto(out, event[key], prefix + key, 1);
  }
  return out;
}

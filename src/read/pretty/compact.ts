/**
 * @module canon/read/pretty/compact
 * The event's own fields in one run of `key=value` pairs (`user.id=u_1 cart.items=3`):
 * nested objects flattened to dotted keys, standard fields the head already shows or
 * that are noise in development left out, values cut, at most `maxFields` pairs.
 */
import type { EventRecord } from '../types.js';
import type { Palette } from './colors.js';
import { HEAD_FIELDS } from './head.js';
import { showValue, valueAtPath } from './values.js';

/** Standard fields left out of the compact list (ask for them with `fields`). */
const QUIET_FIELDS = new Set([
  'request_id',
  'trace_id',
  'span_id',
  'parent_span_id',
  'parent_request_id',
  'version',
  'host',
  'user_agent',
  'response_size_bytes',
  'correlation_id',
  'causation_id',
]);

export interface CompactOptions {
  /** Fields shown first, even standard ones (`['request_id', 'db.total_ms']`). */
  fields: readonly string[];
  maxValueLength: number;
  maxFields: number;
}

function hidden(path: string, value: unknown): boolean {
  if (HEAD_FIELDS.has(path) || QUIET_FIELDS.has(path)) return true;
  return path === 'sample_rate' && value === 1;
}

function collect(node: EventRecord, prefix: string, out: [string, unknown][], limit: number): void {
  for (const key in node) {
    if (out.length > limit) return;
    const value = node[key];
    if (value === undefined || value === null) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (hidden(path, value)) continue;
    if (typeof value === 'object' && !Array.isArray(value)) collect(value as EventRecord, path, out, limit);
    else out.push([path, value]);
  }
}

/**
 * The `key=value` run for `event` ('' when there is nothing to show).
 *
 * @example
 * compactFields({ kind: 'http', user: { id: 'u_1' } }, NO_COLORS, { fields: [], maxValueLength: 40, maxFields: 20 })
 * // 'user.id=u_1'
 */
export function compactFields(event: EventRecord, paint: Palette, options: CompactOptions): string {
  const pairs: [string, unknown][] = [];
  for (const path of options.fields) {
    const value = valueAtPath(event, path);
    if (value !== undefined) pairs.push([path, value]);
  }
  const own: [string, unknown][] = [];
  collect(event, '', own, options.maxFields);
  const chosen = new Set(options.fields);
  for (const pair of own) if (!chosen.has(pair[0])) pairs.push(pair);
  const shown = pairs.slice(0, Math.max(options.maxFields, options.fields.length));
  const text = shown.map(([key, value]) => `${paint.dim(`${key}=`)}${showValue(value, options.maxValueLength)}`);
  if (pairs.length > shown.length) text.push(paint.dim('…'));
  return text.join(' ');
}

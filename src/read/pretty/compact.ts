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

/** Paths never in the compact list: what the head shows and the quiet standard fields. */
const HIDDEN = new Set([...HEAD_FIELDS, ...QUIET_FIELDS]);

/**
 * The same for nested fields, by parent (`event` → `type`, `id`, `version`): looked up
 * with the keys JSON.parse made, so no dotted path is built and hashed to test it.
 */
const HIDDEN_BY_PARENT = new Map<string, Set<string>>();
for (const path of HIDDEN) {
  const dot = path.lastIndexOf('.');
  if (dot === -1) continue;
  const parent = path.slice(0, dot);
  HIDDEN_BY_PARENT.set(parent, (HIDDEN_BY_PARENT.get(parent) ?? new Set()).add(path.slice(dot + 1)));
}

function hidden(prefix: string, key: string, value: unknown): boolean {
  if (prefix !== '') return HIDDEN_BY_PARENT.get(prefix)?.has(key) === true;
  return HIDDEN.has(key) || (key === 'sample_rate' && value === 1);
}

/** The `key=value` run being written, pair by pair. */
interface Run {
  text: string;
  /** Pairs written: past `room` a pair only sets `more` (the run ends with `…`). */
  shown: number;
  room: number;
  more: boolean;
  /** The event's own fields met so far: collecting stops past `maxFields`. */
  own: number;
}

function add(run: Run, key: string, value: unknown, paint: Palette, options: CompactOptions): void {
  if (run.shown >= run.room) {
    run.more = true;
    return;
  }
  run.text += `${run.shown === 0 ? '' : ' '}${paint.dim(`${key}=`)}${showValue(value, options.maxValueLength)}`;
  run.shown++;
}

function collect(node: EventRecord, prefix: string, run: Run, paint: Palette, options: CompactOptions): void {
  for (const key in node) {
    if (run.own > options.maxFields) return;
    const value = node[key];
    if (value === undefined || value === null || hidden(prefix, key, value)) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && !Array.isArray(value)) collect(value as EventRecord, path, run, paint, options);
    else {
      run.own++;
      if (!options.fields.includes(path)) add(run, path, value, paint, options);
    }
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
  const run: Run = { text: '', shown: 0, room: Math.max(options.maxFields, options.fields.length), more: false, own: 0 };
  for (const path of options.fields) {
    const value = valueAtPath(event, path);
    if (value !== undefined) add(run, path, value, paint, options);
  }
  collect(event, '', run, paint, options);
  if (!run.more) return run.text;
  return run.shown === 0 ? paint.dim('…') : `${run.text} ${paint.dim('…')}`;
}

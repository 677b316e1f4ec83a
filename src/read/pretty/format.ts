/**
 * @module canon/read/pretty/format
 * `formatPretty`: one event for people, on one line plus its error, as `prettySink` and
 * `canon pretty` print it:
 *
 * ```
 * 12:04:05.123 checkout http    POST /checkout 500 812ms error user.id=u_1 cart.items=3
 *   ✖ UpstreamError: payment provider timed out  code=ETIMEDOUT
 *     caused by FetchError: connect ECONNREFUSED
 * ```
 */
import type { EventRecord } from '../types.js';
import { COLORS, NO_COLORS, type Palette } from './colors.js';
import { compactFields } from './compact.js';
import { errorLines } from './error-block.js';
import { unitName, unitStatus } from './head.js';
import { formatDuration, numberAt, objectAt, textAt } from './values.js';

export interface PrettyOptions {
  /** ANSI colours (default false; see `colorsEnabled`). */
  colors?: boolean;
  /** Extra fields to show first, dotted (`['request_id', 'db.total_ms']`). */
  fields?: readonly string[];
  /** Stack frames shown under an error that kept its stack (default 3). */
  stackFrames?: number;
  /** Longest value shown before it is cut with `…` (default 40). */
  maxValueLength?: number;
  /** Most `key=value` pairs shown (default 16). */
  maxFields?: number;
}

/** Duration (ms) from which a duration is shown as slow. */
const SLOW_MS = 1000;

function statusText(status: number | undefined, paint: Palette): string {
  if (status === undefined) return '';
  const text = String(status);
  if (status >= 500) return paint.red(text);
  if (status >= 400) return paint.yellow(text);
  if (status >= 300) return paint.cyan(text);
  return paint.green(text);
}

function outcomeText(outcome: unknown, paint: Palette): string {
  if (outcome === 'error') return paint.red('error');
  if (outcome === 'aborted') return paint.yellow('aborted');
  return typeof outcome === 'string' && outcome !== 'success' ? paint.yellow(outcome) : '';
}

function timeText(timestamp: unknown): string {
  if (typeof timestamp !== 'string') return '--:--:--.---';
  return timestamp.length >= 23 && timestamp[10] === 'T' ? timestamp.slice(11, 23) : timestamp;
}

/**
 * One event for people (no trailing newline).
 *
 * @example
 * formatPretty({ timestamp: '2026-12-01T12:04:05.123Z', service: 'checkout', kind: 'http',
 *   method: 'GET', path: '/health', status_code: 200, duration_ms: 1.2, outcome: 'success' })
 * // '12:04:05.123 checkout http    GET /health 200 1.2ms'
 */
export function formatPretty(event: EventRecord, options: PrettyOptions = {}): string {
  const paint = options.colors ? COLORS : NO_COLORS;
  let line = paint.dim(timeText(event.timestamp));
  const service = textAt(event, 'service');
  if (service) line += ` ${paint.magenta(service)}`;
  line += ` ${paint.blue((textAt(event, 'kind') ?? '?').padEnd(7))}`;
  const name = unitName(event);
  if (name) line += ` ${paint.bold(name)}`;
  const status = statusText(unitStatus(event), paint);
  if (status) line += ` ${status}`;
  const duration = numberAt(event, 'duration_ms');
  if (duration !== undefined) {
    const text = formatDuration(duration);
    line += ` ${duration >= SLOW_MS ? paint.yellow(text) : paint.dim(text)}`;
  }
  const outcome = outcomeText(event.outcome, paint);
  if (outcome) line += ` ${outcome}`;
  const fields = compactFields(event, paint, {
    fields: options.fields ?? [],
    maxValueLength: options.maxValueLength ?? 40,
    maxFields: options.maxFields ?? 16,
  });
  if (fields) line += ` ${fields}`;
  const error = objectAt(event, 'error');
  if (!error) return line;
  return [line, ...errorLines(error, paint, options.stackFrames ?? 3, '  ')].join('\n');
}

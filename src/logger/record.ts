/**
 * @module canon/logger/record
 * Builds one log line from a pino-style call: `(msg)`, `(obj, msg?)` or `(err, msg?)`.
 * The line is `{ kind: 'log', level, time, msg, logger, request_id, trace_id, span_id,
 * ...bindings, ...obj }`; ids come from the unit in scope. Errors found at the top level
 * of `obj` (`{ err }`) or passed as `obj` are serialized like pino's `err` serializer.
 */
import { isoTimestamp } from '../core/timestamp.js';
import type { WideEvent } from '../core/event.js';
import { normalizeError } from '../core/normalize-error.js';
import { type Fields, isSafeKey } from '../core/paths.js';
import type { LevelName } from './levels.js';

/** Fields Canon sets on every line; `obj` fills them only where Canon left them empty. */
const CORE_KEYS = new Set(['kind', 'level', 'time', 'msg', 'logger', 'request_id', 'trace_id', 'span_id']);

/**
 * An error as a log line shows it: `{ type, message, code?, status?, cause?, errors?, stack }`.
 *
 * @example
 * serializeError(new TypeError('bad input')) // { type: 'TypeError', message: 'bad input', stack: '…' }
 */
export function serializeError(err: Error): Fields {
  return normalizeError(err, { includeStack: true });
}

function copyInto(record: Fields, source: object): void {
  for (const key of Object.keys(source)) {
    if (!isSafeKey(key) || (CORE_KEYS.has(key) && record[key] !== undefined)) continue;
    const value = (source as Fields)[key];
    record[key] = value instanceof Error ? serializeError(value) : value;
  }
}

/**
 * Builds the record of one call. `first` and `second` are the caller's arguments.
 *
 * @example
 * buildRecord('info', getWideEvent(), 'db', undefined, { rows: 3 }, 'query done')
 * // { kind: 'log', level: 'info', time: '…', msg: 'query done', logger: 'db', request_id: '…', …, rows: 3 }
 */
export function buildRecord(
  level: LevelName,
  unit: WideEvent | undefined,
  name: string | undefined,
  bindings: Fields | undefined,
  first: unknown,
  second: unknown,
): Fields {
  let msg: unknown;
  let obj: object | undefined;
  if (typeof first === 'string') msg = first;
  else if (first !== null && typeof first === 'object') {
    obj = first;
    if (second !== undefined) msg = typeof second === 'string' ? second : String(second);
    else if (first instanceof Error) msg = first.message;
  } else if (first !== undefined) msg = String(first);

  // one literal, one shape; undefined slots are left out when serialized
  const record: Fields = {
    kind: 'log',
    level,
    time: isoTimestamp(Date.now()),
    msg,
    logger: name,
    request_id: unit?.request_id,
    trace_id: unit?.trace_id,
    span_id: unit?.span_id,
  };
  if (bindings !== undefined) copyInto(record, bindings);
  if (obj instanceof Error) record.err = serializeError(obj);
  else if (obj !== undefined) copyInto(record, obj);
  return record;
}

/**
 * @module canon/read/pretty/values
 * Small readers for untrusted event fields: a line may hold anything, so every field is
 * checked before it is used, and shown values are cut to a length.
 */
import type { EventRecord } from '../types.js';

/**
 * `value` when it is an object (not an array, not null), else undefined.
 *
 * @example
 * asRecord({ id: 1 }) // { id: 1 }
 * asRecord([1])       // undefined
 */
export function asRecord(value: unknown): EventRecord | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as EventRecord) : undefined;
}

/**
 * The object at `key`, or undefined when it is not a plain object.
 *
 * @example
 * objectAt({ user: { id: 1 } }, 'user') // { id: 1 }
 */
export function objectAt(event: EventRecord | undefined, key: string): EventRecord | undefined {
  return asRecord(event?.[key]);
}

/**
 * The string at `key` (numbers are spelled out), or undefined.
 *
 * @example
 * textAt({ status_code: 200 }, 'status_code') // '200'
 */
export function textAt(event: EventRecord | undefined, key: string): string | undefined {
  const value = event?.[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/**
 * The finite number at `key`, or undefined.
 *
 * @example
 * numberAt({ duration_ms: '5' }, 'duration_ms') // undefined
 */
export function numberAt(event: EventRecord | undefined, key: string): number | undefined {
  const value = event?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The value at a dotted `path` (`'user.id'`), or undefined.
 *
 * @example
 * valueAtPath({ user: { id: 'u_1' } }, 'user.id') // 'u_1'
 */
export function valueAtPath(event: EventRecord, path: string): unknown {
  let node: unknown = event;
  let start = 0;
  while (start <= path.length) {
    if (node === null || typeof node !== 'object') return undefined;
    const dot = path.indexOf('.', start);
    const end = dot === -1 ? path.length : dot;
    node = (node as EventRecord)[path.slice(start, end)];
    start = end + 1;
  }
  return node;
}

/**
 * Cuts `text` to `max` characters, marking the cut with `…`.
 *
 * @example
 * cut('abcdef', 4) // 'abc…'
 */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/**
 * `12.3ms`, `1.24s`, `2m05s`: a duration for people.
 *
 * @example
 * formatDuration(1240) // '1.24s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 100) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** An array item shown inline: a primitive, or an object's `type` (`events_published`). */
function itemText(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return String(item);
  const type = (item as EventRecord).type;
  return typeof type === 'string' ? type : undefined;
}

/** What makes a string value shown quoted (besides being empty). */
const QUOTED = /[\s"=]/;

/** `QUOTED.test(text)`, with a plain scan for ASCII (this runs for every string shown). */
function needsQuotes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return QUOTED.test(text); // Unicode spaces
    if (code === 32 || code === 34 || code === 61 || (code >= 9 && code <= 13)) return true;
  }
  return text === '';
}

/**
 * A value as shown after `key=`: strings bare unless they hold spaces or quotes, objects as JSON, cut.
 *
 * @example
 * showValue('two words', 40) // '"two words"'
 */
export function showValue(value: unknown, max: number): string {
  if (typeof value === 'string') return cut(needsQuotes(value) ? JSON.stringify(value) : value, max);
  if (Array.isArray(value)) {
    const items = value.map(itemText);
    if (items.every((item) => item !== undefined)) return cut(`[${items.join(',')}]`, max);
    return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  }
  if (value !== null && typeof value === 'object') return cut(JSON.stringify(value), max);
  return String(value);
}

/**
 * @module canon/read/parse
 * One JSON line to one event. A line is an event when it parses to a JSON object; blank
 * lines are ignored and everything else (plain text, arrays, truncated JSON) is "bad":
 * skipped and counted by the caller, never fatal.
 */
import { asRecord } from './pretty/values.js';
import type { EventRecord } from './types.js';

/**
 * True for an empty line or one of only whitespace (not counted anywhere).
 *
 * @example
 * isBlank('  \r') // true
 */
export function isBlank(line: string): boolean {
  return line.length === 0 || line.trim().length === 0;
}

/**
 * Parses `line` into an event, or `undefined` when it is not a JSON object.
 *
 * @example
 * parseEventLine('{"kind":"http"}') // { kind: 'http' }
 * parseEventLine('[1,2]')           // undefined
 * parseEventLine('GET / 200')       // undefined
 */
export function parseEventLine(line: string): EventRecord | undefined {
  let start = 0;
  while (start < line.length && line.charCodeAt(start) <= 32) start++;
  if (line.charCodeAt(start) !== 123 /* { */) return undefined;
  try {
    return asRecord(JSON.parse(line));
  } catch {
    return undefined;
  }
}

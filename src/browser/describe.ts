/**
 * @module canon/browser/describe
 * Turning what the page hands over — thrown values, field objects — into record parts
 * that always serialize: primitives only, lengths cut, nothing that can throw later.
 */
import type { FieldValue } from './records.js';

/** @internal `text` cut to `max` characters. */
export const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

/**
 * @internal Copies into `target` the fields of `fields` that have a primitive value, up to
 * 30; strings cut at 500 characters, names at 100.
 *
 * @example
 * cleanFields(all, { 'user.id': 'u_1', big: 10n }) // all['user.id'] === 'u_1'; big left out
 */
export function cleanFields(target: Record<string, FieldValue>, fields: unknown): void {
  if (typeof fields !== 'object' || fields === null) return;
  for (const [name, value] of Object.entries(fields)) {
    if (Object.keys(target).length >= 30 && !(name in target)) break;
    if (typeof value === 'string') target[clip(name, 100)] = clip(value, 500);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      target[clip(name, 100)] = value;
    }
  }
}

/**
 * @internal An error (or any thrown value) as a record's `error`. `message` is the
 * `ErrorEvent`'s, for errors that carry no object (a cross-origin script's).
 *
 * @example
 * describeError(new TypeError('x')) // { type: 'TypeError', message: 'x', stack: '…' }
 */
export function describeError(value: unknown, message?: string): { type: string; message: string; stack?: string } {
  if (value instanceof Error) {
    const { name, message: text, stack } = value;
    return { type: clip(String(name || 'Error'), 100), message: clip(String(text), 1000), ...(stack ? { stack: clip(String(stack), 4000) } : {}) };
  }
  let text = '';
  try {
    text = message ?? (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  } catch {
    // a value that cannot even be printed
  }
  return { type: message === undefined ? (value === null ? 'null' : typeof value) : 'Error', message: clip(text, 1000) };
}

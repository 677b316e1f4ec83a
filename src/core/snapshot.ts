/**
 * @module canon/core/snapshot
 * The snapshot stage: a deep copy of the live event made JSON-safe on the way, so that
 * the later stages may mutate it and serialization can never throw. Handles cycles,
 * BigInt, Errors, Dates, Buffers, Maps, Sets and `toJSON`, and caps depth, string length,
 * array length and key count, marking in place what was cut.
 */

import { normalizeError } from './normalize-error.js';
import type { Fields } from './paths.js';

export interface Limits {
  /** Nesting depth kept (default 10); deeper values become `'[Truncated: depth]'`. */
  depth: number;
  /** Characters kept per string (default 16 384). */
  stringLength: number;
  /** Items kept per array (default 1 000). */
  arrayLength: number;
  /** Keys kept per object (default 1 000). */
  keys: number;
}

export const DEFAULT_LIMITS: Limits = { depth: 10, stringLength: 16_384, arrayLength: 1_000, keys: 1_000 };

export const CIRCULAR = '[Circular]';
export const TOO_DEEP = '[Truncated: depth]';

interface Walk {
  limits: Limits;
  includeStack: boolean;
  stack: object[];
}

/**
 * Copies `fields` into a plain, acyclic, JSON-safe object within `limits`.
 *
 * @example
 * const a: any = { n: 1n }; a.self = a;
 * snapshot(a) // { n: '1', self: '[Circular]' }
 */
export function snapshot(fields: Fields, limits: Limits = DEFAULT_LIMITS, includeStack = false): Fields {
  return copyObject(fields, 0, { limits, includeStack, stack: [] }) as Fields;
}

function copy(value: unknown, depth: number, walk: Walk): unknown {
  switch (typeof value) {
    case 'string':
      return value.length > walk.limits.stringLength
        ? truncateString(value, walk.limits.stringLength)
        : value;
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : copyObject(value, depth, walk);
    default:
      return undefined; // functions, symbols, undefined: absent, as in JSON
  }
}

function truncateString(value: string, max: number): string {
  return `${value.slice(0, max)}…[truncated ${value.length - max} chars]`;
}

function copyObject(value: object, depth: number, walk: Walk): unknown {
  if (walk.stack.includes(value)) return CIRCULAR;
  if (depth >= walk.limits.depth) return TOO_DEEP;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error)
    return copyObject(normalizeError(value, { includeStack: walk.includeStack }), depth, walk);
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name}: ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer: ${value.byteLength} bytes]`;
  walk.stack.push(value);
  try {
    if (Array.isArray(value)) return copyArray(value, depth, walk);
    if (value instanceof Map) return copyEntries(value.entries(), value.size, depth, walk);
    if (value instanceof Set) return copyArray(Array.from(value), depth, walk);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copy(toJSON.call(value), depth, walk);
    return copyPlain(value as Fields, depth, walk);
  } catch {
    return '[Unserializable]';
  } finally {
    walk.stack.pop();
  }
}

function copyArray(items: unknown[], depth: number, walk: Walk): unknown[] {
  const max = walk.limits.arrayLength;
  const length = Math.min(items.length, max);
  const out: unknown[] = new Array(length);
  for (let i = 0; i < length; i++) out[i] = copy(items[i], depth + 1, walk) ?? null;
  if (items.length > max) out.push(`[… ${items.length - max} more items]`);
  return out;
}

function copyPlain(value: Fields, depth: number, walk: Walk): Fields {
  const out: Fields = {};
  const max = walk.limits.keys;
  let kept = 0;
  let seen = 0;
  // for...in walks V8's enum cache without allocating a key array; a plain object has no
  // enumerable inherited keys, other objects are filtered to own keys like JSON.stringify.
  const plain = Object.getPrototypeOf(value) === Object.prototype;
  for (const key in value) {
    if (!plain && !Object.hasOwn(value, key)) continue;
    if (kept === max) {
      out['…'] = `${Object.keys(value).length - seen} more keys`;
      break;
    }
    seen++;
    const copied = copy(value[key], depth + 1, walk);
    if (copied !== undefined && key !== '__proto__') {
      out[key] = copied;
      kept++;
    }
  }
  return out;
}

function copyEntries(entries: Iterable<[unknown, unknown]>, size: number, depth: number, walk: Walk): Fields {
  const out: Fields = {};
  let kept = 0;
  for (const [key, item] of entries) {
    if (kept === walk.limits.keys) {
      out['…'] = `${size - kept} more keys`;
      break;
    }
    const copied = copy(item, depth + 1, walk);
    if (copied !== undefined && key !== '__proto__') out[String(key)] = copied;
    kept++;
  }
  return out;
}

/**
 * @module canon/core/snapshot
 * The snapshot and redact stages in one walk: a deep copy of the live event made
 * JSON-safe on the way (so later stages may mutate it and serialization can never
 * throw), with the redaction rules applied to the copy as it is built. Handles cycles,
 * BigInt, Errors, Dates, Buffers, Maps, Sets, `toJSON`, throwing getters and Proxies, and
 * caps depth, string length, array length and key count, marking in place what was cut
 * (with the markers of ./markers.ts). One walk instead of two saves a second pass over
 * every event.
 */
import type { MatchState } from '../redact/path-trie.js';
import type { Redactor } from '../redact/index.js';
import { CIRCULAR, TOO_DEEP, UNSERIALIZABLE } from './markers.js';
import { normalizeError } from './normalize-error.js';
import { type Fields, readKey } from './paths.js';

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

interface Walk {
  limits: Limits;
  includeStack: boolean;
  stack: object[];
  redactor: Redactor | undefined;
  /** The same walk without redaction: what a hashed value is copied with. */
  plain?: Walk;
}

/**
 * Copies `fields` into a plain, acyclic, JSON-safe object within `limits`, redacted by
 * `redactor` when given. The input is never modified.
 *
 * @example
 * const a: any = { n: 1n, password: 'x' }; a.self = a;
 * snapshot(a, DEFAULT_LIMITS, false, createRedactor({ fields: ['password'] }))
 * // { n: '1', password: '[REDACTED]', self: '[Circular]' }
 */
export function snapshot(
  fields: Fields,
  limits: Limits = DEFAULT_LIMITS,
  includeStack = false,
  redactor?: Redactor,
): Fields {
  const walk: Walk = { limits, includeStack, stack: [fields], redactor };
  const state = redactor?.matcher?.start();
  // the root is always the event's own plain object: a `toJSON` key on it is a user field
  // (a function: left out), never a replacement for the whole event
  const plain = Object.getPrototypeOf(fields) === Object.prototype;
  return (plain && redactor?.scrubKey === undefined && copyRoot(fields, walk, state)) || copyPlain(fields, 0, walk, state, plain);
}

/**
 * The root's fast path, taken without value patterns (they may rename keys and rewrite
 * every string: the general walk does that). A spread clone copies the event's own object
 * in one step and keeps its shape, where writing key by key costs a megamorphic store each
 * (the general walk, ~40% of the snapshot); then only the values that need more than a
 * copy are rewritten: objects, long strings, keys a redaction path reaches. Deleting a
 * key would turn the copy into a slow dictionary, so any key that must go (an undefined
 * slot, a function, a removed path) hands the event to the general walk instead, as do
 * more keys than `limits.keys` (the walk marks the cut), a read that throws and an own
 * `__proto__` key.
 */
function copyRoot(fields: Fields, walk: Walk, state: MatchState | undefined): Fields | undefined {
  let out: Fields;
  try {
    out = { ...fields };
  } catch {
    return undefined;
  }
  // `__proto__` is never written (see `write`): an own one on the root must go
  if (Object.hasOwn(out, '__proto__')) return undefined;
  const { stringLength, keys } = walk.limits;
  let count = 0;
  for (const key in out) {
    if (++count > keys) return undefined;
    const value = out[key];
    const reached = state === undefined ? undefined : walk.redactor!.matcher!.next(state, key);
    if (reached?.strategy === undefined) {
      // a primitive has nothing below it for a path to reach: kept as it is
      const type = typeof value;
      if (type === 'number' || type === 'boolean') continue;
      if (type === 'string' && (value as string).length <= stringLength) continue;
    }
    if (!copyReached(out, key, value, 0, walk, reached)) return undefined;
  }
  return out;
}

function copy(value: unknown, depth: number, walk: Walk, state: MatchState | undefined): unknown {
  switch (typeof value) {
    case 'string': {
      const text =
        value.length > walk.limits.stringLength ? truncateString(value, walk.limits.stringLength) : value;
      return walk.redactor?.scrub ? walk.redactor.scrub(text) : text;
    }
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : copyObject(value, depth, walk, state);
    default:
      return undefined; // functions, symbols, undefined: absent, as in JSON
  }
}

function truncateString(value: string, max: number): string {
  return `${value.slice(0, max)}…[truncated ${value.length - max} chars]`;
}

function copyObject(value: object, depth: number, walk: Walk, state: MatchState | undefined): unknown {
  if (walk.stack.includes(value)) return CIRCULAR;
  if (depth >= walk.limits.depth) return TOO_DEEP;
  walk.stack.push(value);
  try {
    // inside the try: `getPrototypeOf` and `instanceof` throw on a revoked Proxy.
    // Plain objects first: most values of an event are, and none of the checks below apply.
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return copy(toJSON.call(value), depth, walk, state);
      return copyPlain(value as Fields, depth, walk, state, true);
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (value instanceof Error) {
      return copyObject(normalizeError(value, { includeStack: walk.includeStack }), depth, walk, state);
    }
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name}: ${value.byteLength} bytes]`;
    if (value instanceof ArrayBuffer) return `[ArrayBuffer: ${value.byteLength} bytes]`;
    if (Array.isArray(value)) return copyArray(value, depth, walk, state);
    if (value instanceof Map) return copyEntries(value.entries(), value.size, depth, walk, state);
    if (value instanceof Set) return copyArray(Array.from(value), depth, walk, state);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copy(toJSON.call(value), depth, walk, state);
    return copyPlain(value as Fields, depth, walk, state, false);
  } catch {
    return UNSERIALIZABLE;
  } finally {
    walk.stack.pop();
  }
}

/**
 * Arrays are transparent to redaction paths, and an item may also take its index as one
 * segment (`items[0].card`, `items[*]`): see `PathMatcher.item`. Removed items are left out.
 */
function copyArray(items: unknown[], depth: number, walk: Walk, state: MatchState | undefined): unknown[] {
  const max = walk.limits.arrayLength;
  const length = Math.min(items.length, max);
  if (state !== undefined) return copyMatchedArray(items, length, depth, walk, state);
  const out: unknown[] = new Array(length);
  for (let i = 0; i < length; i++) out[i] = copy(items[i], depth + 1, walk, undefined) ?? null;
  if (items.length > max) out.push(`[… ${items.length - max} more items]`);
  return out;
}

function copyMatchedArray(items: unknown[], length: number, depth: number, walk: Walk, state: MatchState) {
  const out: unknown[] = [];
  const matcher = walk.redactor!.matcher!;
  for (let i = 0; i < length; i++) {
    const item = matcher.item(state, i);
    if (item.strategy === 'remove') continue;
    if (item.strategy) out.push(walk.redactor!.replace(item.strategy, copyPlainValue(items[i], depth + 1, walk)));
    else out.push(copy(items[i], depth + 1, walk, item.dead ? undefined : item) ?? null);
  }
  if (items.length > length) out.push(`[… ${items.length - length} more items]`);
  return out;
}

/** `value` copied without redaction: what a hashed value is hashed from. */
function copyPlainValue(value: unknown, depth: number, walk: Walk): unknown {
  walk.plain ??= { limits: walk.limits, includeStack: walk.includeStack, stack: walk.stack, redactor: undefined };
  return copy(value, depth, walk.plain, undefined);
}

/**
 * Copies one key: redacted when a rule ends at it, else recursively with the state below
 * it; the key itself is scrubbed by the patterns. Returns false when nothing was kept
 * (undefined, or removed by a rule).
 */
function copyKey(out: Fields, key: string, value: unknown, depth: number, walk: Walk, state: MatchState | undefined) {
  const reached = state === undefined ? undefined : walk.redactor!.matcher!.next(state, key);
  return copyReached(out, key, value, depth, walk, reached);
}

/** {@link copyKey} once the match state at the key is known (undefined: no paths). */
function copyReached(
  out: Fields,
  key: string,
  value: unknown,
  depth: number,
  walk: Walk,
  reached: MatchState | undefined,
): boolean {
  if (reached?.strategy) {
    if (reached.strategy === 'remove') return false;
    // hash the value itself, not a copy already rewritten by the string patterns
    return write(out, key, walk.redactor!.replace(reached.strategy, copyPlainValue(value, depth + 1, walk)), walk);
  }
  return write(out, key, copy(value, depth + 1, walk, reached?.dead === false ? reached : undefined), walk);
}

function write(out: Fields, key: string, copied: unknown, walk: Walk): boolean {
  if (copied === undefined) return false;
  let name = key;
  const scrubKey = walk.redactor?.scrubKey;
  if (scrubKey !== undefined) {
    const scrubbed = scrubKey(key);
    if (scrubbed !== key) name = freeKey(out, scrubbed);
  }
  if (name === '__proto__') return false;
  out[name] = copied;
  return true;
}

/** The name a scrubbed key is written under: numbered when two keys scrub alike. */
function freeKey(out: Fields, scrubbed: string): string {
  if (!Object.hasOwn(out, scrubbed)) return scrubbed;
  let n = 2;
  while (Object.hasOwn(out, `${scrubbed} (${n})`)) n++;
  return `${scrubbed} (${n})`;
}

function copyPlain(value: Fields, depth: number, walk: Walk, state: MatchState | undefined, plain: boolean): Fields {
  const out: Fields = {};
  const max = walk.limits.keys;
  let kept = 0;
  let seen = 0;
  // for...in walks V8's enum cache without allocating a key array; a plain object has no
  // enumerable inherited keys, other objects are filtered to own keys like JSON.stringify.
  for (const key in value) {
    if (!plain && !Object.hasOwn(value, key)) continue;
    if (kept === max) {
      out['…'] = `${Object.keys(value).length - seen} more keys`;
      break;
    }
    seen++;
    if (copyKey(out, key, readKey(value, key), depth, walk, state)) kept++;
  }
  return out;
}

function copyEntries(
  entries: Iterable<[unknown, unknown]>,
  size: number,
  depth: number,
  walk: Walk,
  state: MatchState | undefined,
): Fields {
  const out: Fields = {};
  let kept = 0;
  for (const [key, item] of entries) {
    if (kept === walk.limits.keys) {
      out['…'] = `${size - kept} more keys`;
      break;
    }
    if (copyKey(out, String(key), item, depth, walk, state)) kept++;
  }
  return out;
}

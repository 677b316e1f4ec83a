/**
 * @module canon/core/paths
 * Dot-path reads and writes and the deep merge behind the event handle. None of them
 * throws, whatever it is given: cycles, values nested thousands of levels deep, getters
 * and Proxy traps that throw, frozen objects. Keys that could pollute prototypes
 * (`__proto__`, `constructor`, `prototype`) are ignored everywhere.
 */
import { CIRCULAR, TOO_DEEP, UNSERIALIZABLE } from './markers.js';

export type Fields = Record<string, unknown>;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `{}` literals and `Object.create(null)` objects: the only things merged into. */
export function isPlainObject(value: unknown): value is Fields {
  if (value === null || typeof value !== 'object') return false;
  try {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false; // a revoked Proxy, a getPrototypeOf trap that throws
  }
}

/** True when `key` may be written without risking prototype pollution. */
export function isSafeKey(key: string): boolean {
  return !FORBIDDEN.has(key);
}

/** Paths split so far (the few a program writes), up to {@link SPLIT_CACHE_SIZE}. */
const splitCache = new Map<string, readonly string[] | null>();
const SPLIT_CACHE_SIZE = 1024;
/** Longer paths are split each time: paths built from data must not fill the cache. */
const SPLIT_CACHE_PATH_LENGTH = 128;

/**
 * Splits `'a.b.c'`; returns undefined for an empty path or an empty or forbidden segment.
 * The parts are frozen and shared between calls: a handler sets the same few paths on
 * every request, so each is split once.
 *
 * @example
 * splitPath('user.id')      // ['user', 'id']
 * splitPath('a..b')         // undefined
 */
export function splitPath(path: string): readonly string[] | undefined {
  if (typeof path !== 'string' || path === '') return undefined;
  const cached = splitCache.get(path);
  if (cached !== undefined) return cached ?? undefined;
  const split = Object.freeze(path.split('.'));
  const parts = split.some((part) => part === '' || FORBIDDEN.has(part)) ? null : split;
  if (splitCache.size < SPLIT_CACHE_SIZE && path.length <= SPLIT_CACHE_PATH_LENGTH) splitCache.set(path, parts);
  return parts ?? undefined;
}

/**
 * Deep-merges `source` into `target`, whose own keys sit at nesting `level` of the event
 * (1 for the event's top-level keys). Plain objects merge and are copied, never shared;
 * arrays and other values replace. Like the output snapshot, an object that contains
 * itself becomes `'[Circular]'` where the cycle closes, an object nested `maxDepth` deep
 * `'[Truncated: depth]'`, a value that cannot be read `'[Unserializable]'`; a frozen
 * object already in the event is copied before it is written to. Never throws.
 *
 * @example
 * const event = { user: { id: 1 } };
 * mergeFields(event, { user: { plan: 'pro' } }, 1, 10); // { user: { id: 1, plan: 'pro' } }
 */
export function mergeFields(target: Fields, source: unknown, level: number, maxDepth: number): void {
  if (!isPlainObject(source)) return;
  try {
    mergeInto(target, source, level, maxDepth, [source]);
  } catch {
    // a source that cannot be enumerated (a Proxy whose ownKeys trap throws) adds nothing
  }
}

/** `ancestors`: the source objects being merged, from the top one to `source` (for cycles). */
function mergeInto(target: Fields, source: Fields, level: number, maxDepth: number, ancestors: object[]): void {
  for (const key in source) {
    if (FORBIDDEN.has(key) || !Object.hasOwn(source, key)) continue;
    const value = readKey(source, key);
    try {
      target[key] = isPlainObject(value) ? merged(target[key], value, level, maxDepth, ancestors) : value;
    } catch {
      // a slot that refuses the write (a non-writable property, a Proxy trap) keeps its value
    }
  }
}

/** What the slot holding `current` becomes when the plain object `value` is merged into it. */
function merged(current: unknown, value: Fields, level: number, maxDepth: number, ancestors: object[]): unknown {
  if (ancestors.includes(value)) return CIRCULAR;
  if (level >= maxDepth) return TOO_DEEP;
  const into = isPlainObject(current) ? writable(current) : {};
  ancestors.push(value);
  try {
    mergeInto(into, value, level + 1, maxDepth, ancestors);
  } catch {
    if (into !== current) return UNSERIALIZABLE; // a copy of something that cannot be enumerated
  } finally {
    ancestors.pop();
  }
  return into;
}

/** `source[key]`, or `'[Unserializable]'` when reading it throws (a getter, a Proxy trap). */
export function readKey(source: Fields, key: string): unknown {
  try {
    return source[key];
  } catch {
    return UNSERIALIZABLE;
  }
}

/** `node`, or a shallow copy of it when it is frozen, sealed or not extensible. */
function writable(node: Fields): Fields {
  return Object.isExtensible(node) ? node : { ...node };
}

/**
 * A copy of `value` in which every plain object and array is new, so it can be walked and
 * copied again safely: cycles become `'[Circular]'`, objects `maxDepth` deep
 * `'[Truncated: depth]'`, unreadable values `'[Unserializable]'`; other values are kept.
 *
 * @example
 * const a: Fields = { n: 1 }; a.self = a;
 * copyTree(a, 0, 10) // { n: 1, self: '[Circular]' }
 */
export function copyTree(value: unknown, level: number, maxDepth: number, ancestors: object[] = []): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    const array = Array.isArray(value);
    if (!array && !isPlainObject(value)) return value;
    if (ancestors.includes(value)) return CIRCULAR;
    if (level >= maxDepth) return TOO_DEEP;
    ancestors.push(value);
    try {
      if (array) return Array.from(value, (item) => copyTree(item, level + 1, maxDepth, ancestors));
      const copy: Fields = {};
      for (const key in value) {
        if (FORBIDDEN.has(key) || !Object.hasOwn(value, key)) continue;
        copy[key] = copyTree(readKey(value as Fields, key), level + 1, maxDepth, ancestors);
      }
      return copy;
    } finally {
      ancestors.pop();
    }
  } catch {
    return UNSERIALIZABLE;
  }
}

/**
 * Writes `value` at `parts` inside `target`, creating (or replacing non-object) parents;
 * a frozen parent is replaced by a copy. A parent that refuses the write (a Proxy trap, a
 * non-writable property) leaves the event as it was.
 */
export function setAt(target: Fields, parts: readonly string[], value: unknown): void {
  try {
    let node = target;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = node[parts[i]];
      const child = isPlainObject(next) ? writable(next) : {};
      if (child !== next) node[parts[i]] = child;
      node = child;
    }
    node[parts[parts.length - 1]] = value;
  } catch {
    // a Proxy trap or a non-writable property on the way: the value is not written
  }
}

/** Reads the value at `parts`, or undefined when any parent is missing or unreadable. */
export function getAt(source: Fields, parts: readonly string[]): unknown {
  try {
    let node: unknown = source;
    for (const part of parts) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Fields)[part];
    }
    return node;
  } catch {
    return undefined;
  }
}

/**
 * @module canon/core/paths
 * Dot-path reads and writes and a deep merge for event fields. Keys that could pollute
 * prototypes (`__proto__`, `constructor`, `prototype`) are ignored everywhere.
 */

export type Fields = Record<string, unknown>;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `{}` literals and `Object.create(null)` objects: the only things merged into. */
export function isPlainObject(value: unknown): value is Fields {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when `key` may be written without risking prototype pollution. */
export function isSafeKey(key: string): boolean {
  return !FORBIDDEN.has(key);
}

/** Splits `'a.b.c'`; returns undefined for an empty path or an empty or forbidden segment. */
export function splitPath(path: string): string[] | undefined {
  if (typeof path !== 'string' || path === '') return undefined;
  const parts = path.split('.');
  for (const part of parts) if (part === '' || FORBIDDEN.has(part)) return undefined;
  return parts;
}

/**
 * Deep-merges `source` into `target`: plain objects merge recursively, everything else
 * (arrays included) replaces. Returns `target`.
 *
 * @example
 * deepMerge({ user: { id: 1 } }, { user: { plan: 'pro' } }) // { user: { id: 1, plan: 'pro' } }
 */
export function deepMerge(target: Fields, source: Fields): Fields {
  for (const key in source) {
    if (!Object.hasOwn(source, key) || FORBIDDEN.has(key)) continue;
    const value = source[key];
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) deepMerge(current, value);
    else if (isPlainObject(value)) target[key] = deepMerge({}, value);
    else target[key] = value;
  }
  return target;
}

/** Writes `value` at `parts` inside `target`, creating (or replacing non-object) parents. */
export function setAt(target: Fields, parts: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]];
    if (isPlainObject(next)) node = next;
    else {
      const created: Fields = {};
      node[parts[i]] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1]] = value;
}

/** Reads the value at `parts`, or undefined when any parent is missing. */
export function getAt(source: Fields, parts: string[]): unknown {
  let node: unknown = source;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Fields)[part];
  }
  return node;
}

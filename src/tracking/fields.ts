/**
 * @module canon/tracking/fields
 * What every tracker (pg, fetch, redis) does to the wide event it records on: find or
 * create its object (`db`, `external`, `cache`) with zeroed counters, refuse writes once
 * the event was emitted (a late write, counted like any other), and keep capped lists
 * with an overflow count.
 */
import type { WideEvent } from '../core/event.js';
import { isPlainObject } from '../core/paths.js';

/**
 * The unit's `name` object with every `counters` key a number (0 when new) and every
 * `lists` key an array. Created when absent, completed when the app put other keys there;
 * undefined (and reported as a late write of `name.counters[0]`) once the event was emitted.
 *
 * @example
 * const db = trackingFields<DbFields>(unit, 'db', ['query_count', 'total_ms', 'error_count'], ['slow_queries']);
 * if (db) db.query_count++;
 */
export function trackingFields<T extends object>(
  unit: WideEvent,
  name: string,
  counters: readonly string[],
  lists: readonly string[] = [],
): T | undefined {
  if (unit.emitted) {
    unit.owner.lateWrite(unit, 'count', `${name}.${counters[0]}`);
    return undefined;
  }
  let target = unit.fields[name] as Record<string, unknown>;
  if (!isPlainObject(target)) unit.fields[name] = target = {};
  for (const key of counters) if (typeof target[key] !== 'number') target[key] = 0;
  for (const key of lists) if (!Array.isArray(target[key])) target[key] = [];
  return target as T;
}

/**
 * Appends `item` to `holder[list]` unless it holds `max` items already; then counts the
 * overflow in `holder[`${list}_dropped`]`.
 *
 * @example
 * pushCapped(db, 'slow_queries', { statement, duration_ms }, 10);
 */
export function pushCapped(holder: object, list: string, item: unknown, max: number): void {
  const target = holder as Record<string, unknown>;
  const items = target[list] as unknown[];
  if (items.length < max) items.push(item);
  else target[`${list}_dropped`] = ((target[`${list}_dropped`] as number | undefined) ?? 0) + 1;
}

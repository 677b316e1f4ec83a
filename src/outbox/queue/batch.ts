/**
 * @module canon/outbox/queue/batch
 * Helpers for working through a claimed batch: grouping rows so each key's rows run in
 * order, and bounding how long one attempt may take.
 */
import { CanonError, ErrorCodes } from '../../core/errors.js';
import type { ClaimedRow } from './claim.js';

/**
 * Groups rows (in `seq` order) by key; rows without a key are groups of one.
 *
 * @example
 * groupByKey([{ seq: 1, key: 'a' }, { seq: 2, key: null }, { seq: 3, key: 'a' }]) // [[1, 3], [2]]
 */
export function groupByKey<Row extends ClaimedRow>(rows: Row[]): Row[][] {
  const groups: Row[][] = [];
  const byKey = new Map<string, Row[]>();
  for (const row of rows) {
    const group = row.key === null ? undefined : byKey.get(row.key);
    if (group) group.push(row);
    else {
      const created = [row];
      if (row.key !== null) byKey.set(row.key, created);
      groups.push(created);
    }
  }
  return groups;
}

/**
 * Resolves like `work`, or rejects with `CANON_OUTBOX_PUBLISH_TIMEOUT` after `ms` (the work
 * itself is not cancelled).
 *
 * @example
 * await withTimeout(publish(event), 30_000);
 */
export function withTimeout(work: unknown, ms: number): Promise<unknown> {
  if (!(work instanceof Promise)) return Promise.resolve(work);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CanonError(ErrorCodes.OUTBOX_PUBLISH_TIMEOUT, `canon: attempt still running after ${ms} ms`),
        ),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

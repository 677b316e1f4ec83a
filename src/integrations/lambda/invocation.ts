/**
 * @module canon/lambda/invocation
 * What every kind of invocation (HTTP, record batch, single event) provides to
 * `canonLambda`, which runs the handler and ends the invocation's units before its
 * promise resolves.
 */
import type { WideEvent } from '../../core/event.js';

/** @internal One invocation's units, from start to end. */
export interface Invocation {
  /** The unit the handler runs in (undefined for record batches: each record has its own). */
  readonly scope: WideEvent | undefined;
  /** Set when the invocation is refused before the handler runs (tenant): the result to return. */
  readonly refused?: unknown;
  /** The handler returned `result`: records it, ends the units, returns what to hand back. */
  settle(result: unknown, remainingMs: number | undefined): unknown;
  /** The handler threw `err` (or the invocation is about to time out): marks and ends the units. */
  fail(err: unknown, remainingMs: number | undefined): void;
}

/**
 * @internal Sets `faas.remaining_ms` on `unit` and ends it (a no-op once ended).
 *
 * @example
 * endWithRemaining(unit, context.getRemainingTimeInMillis());
 */
export function endWithRemaining(unit: WideEvent, remainingMs: number | undefined): void {
  if (unit.emitted) return;
  if (remainingMs !== undefined) unit.set('faas.remaining_ms', remainingMs);
  unit.end();
}

/**
 * @internal Marks `err` on `unit` unless an error is already marked there.
 *
 * @example
 * markOnce(unit, err);
 */
export function markOnce(unit: WideEvent, err: unknown): void {
  if (!unit.emitted && !unit.errorMarked) unit.markError(err);
}

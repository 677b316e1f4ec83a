/**
 * @module canon/core/context
 * The one AsyncLocalStorage that carries the wide event in scope. It lives at
 * `globalThis[Symbol.for('canon.context')]` so two installed copies of Canon share it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WideEvent } from './event.js';
import type { Fields } from './paths.js';

const KEY = Symbol.for('canon.context');
const holder = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<WideEvent> };

/** The shared storage. Internal: use {@link getWideEvent} and `canon.run` instead. */
export const storage: AsyncLocalStorage<WideEvent> = (holder[KEY] ??= new AsyncLocalStorage<WideEvent>());

/**
 * The wide event of the unit of work in scope (the same object as `req.canon`), or
 * undefined outside one.
 *
 * @example
 * async function chargeCard(amount: number) {
 *   getWideEvent()?.enrich({ payment: { amount_cents: amount } });
 * }
 */
export function getWideEvent(): WideEvent | undefined {
  const unit = storage.getStore();
  // the stand-in parent restored by runWithContext has no event in this thread
  return unit?.owner.remote ? undefined : unit;
}

/**
 * Deep-merges `fields` into the wide event in scope; does nothing outside one.
 *
 * @example
 * enrich({ user: { id: 'u_1', plan: 'pro' } });
 */
export function enrich(fields: Fields): void {
  getWideEvent()?.enrich(fields);
}

/**
 * @module canon/nestjs/current
 * What `@InjectWideEvent()` injects into a constructor: one object, the same for the
 * whole application, whose methods act on the wide event of the request (or job) in
 * scope when they are called, through `getWideEvent()`. Services stay singletons: there
 * is no request-scoped provider, which in Nest would make every class that depends on
 * it request-scoped too (a new instance of each per request).
 */
import { getWideEvent } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import type { Fields } from '../../core/paths.js';

/**
 * The wide event in scope, as an injectable: every method is a no-op (and `get` returns
 * undefined) outside a unit of work.
 *
 * @example
 * class OrdersService {
 *   constructor(@InjectWideEvent() private readonly event: CurrentWideEvent) {}
 *   place(id: string) { this.event.set('order.id', id); }
 * }
 */
export class CurrentWideEvent {
  /** The event in scope (the very object `getWideEvent()` returns), or undefined. */
  get current(): WideEvent | undefined {
    return getWideEvent();
  }

  /** The request id of the unit in scope. */
  get request_id(): string | undefined {
    return getWideEvent()?.request_id;
  }

  /** The trace id of the unit in scope. */
  get trace_id(): string | undefined {
    return getWideEvent()?.trace_id;
  }

  /** See `WideEvent.enrich`. */
  enrich(fields: Fields): this {
    getWideEvent()?.enrich(fields);
    return this;
  }

  /** See `WideEvent.set`. */
  set(path: string, value: unknown): this {
    getWideEvent()?.set(path, value);
    return this;
  }

  /** See `WideEvent.get`. */
  get(path: string): unknown {
    return getWideEvent()?.get(path);
  }

  /** See `WideEvent.markError`. */
  markError(err: unknown, extra?: Fields): this {
    getWideEvent()?.markError(err, extra);
    return this;
  }

  /** See `WideEvent.count`. */
  count(path: string, n?: number): this {
    getWideEvent()?.count(path, n);
    return this;
  }

  /** See `WideEvent.time`: outside a unit, `fn` still runs (the stop function returns 0). */
  time(path: string): () => number;
  time<T>(path: string, fn: () => T): T;
  time<T>(path: string, fn?: () => T): T | (() => number) {
    const event = getWideEvent();
    if (fn === undefined) return event ? event.time(path) : () => 0;
    return event ? event.time(path, fn) : fn();
  }
}

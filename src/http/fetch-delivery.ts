/**
 * @module canon/http/fetch-delivery
 * The state of one fetch-style request between its handler and the end of its response:
 * it ends the request's unit exactly once, when the response has been delivered
 * (`finish`), the client went away (`abort`, 499: the request's `signal` fired or the
 * body was cancelled) or the handler or its body failed (`fail`, status at least 500).
 */
import type { WideEvent } from '../core/event.js';
import { finishFetchUnit } from './fetch-lifecycle.js';
import { CLIENT_CLOSED_REQUEST } from './lifecycle.js';

/** Returns the route pattern once the response is delivered (or undefined). */
export type FetchRouteOf = () => string | undefined;

/**
 * One fetch-style request on its way out: ends its unit exactly once, when the response
 * has been delivered or the request's signal aborted (see {@link watchRequest}).
 */
export class FetchDelivery {
  /** @internal Body bytes read by the runtime so far. */
  bytes = 0;
  /** @internal The response's status, once there is one. */
  status = 200;
  /** @internal Reader of the handler's body stream. */
  reader: ReadableStreamDefaultReader<unknown> | undefined = undefined;

  /** @internal Use {@link watchRequest}. */
  constructor(
    readonly unit: WideEvent,
    readonly method: string,
    readonly routeOf: FetchRouteOf | undefined,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** @internal The request's signal fired before the response was delivered. */
  handleEvent(): void {
    this.abort();
  }

  /** @internal */
  route(): string | undefined {
    if (this.routeOf === undefined) return undefined;
    try {
      return this.routeOf();
    } catch {
      return undefined; // the route is a nice-to-have; the event must still go out
    }
  }

  /** Ends the unit with `status` (a no-op once it has ended). */
  finish(status: number, bytes: number | undefined): void {
    this.signal?.removeEventListener('abort', this);
    if (!this.unit.emitted) finishFetchUnit(this.unit, this.method, status, bytes, this.route());
  }

  /** Ends the unit as aborted: the client went away (499). */
  abort(): void {
    if (this.unit.emitted) return;
    this.unit.aborted = true;
    this.finish(CLIENT_CLOSED_REQUEST, this.bytes);
  }

  /** Marks `err` and ends the unit: the handler threw (500), or its body failed midway. */
  fail(err: unknown): void {
    if (this.unit.emitted) return;
    this.unit.markError(err);
    this.finish(Math.max(this.status, 500), this.bytes);
  }
}

/**
 * Starts watching a request whose unit has started: its signal aborting before the
 * response is delivered ends the unit as aborted. Hand the response to
 * {@link deliverResponse}, or a thrown error to `delivery.fail(err)`.
 *
 * @example
 * const delivery = watchRequest(unit, request, () => '/users/:id');
 */
export function watchRequest(unit: WideEvent, request: Request, routeOf?: FetchRouteOf): FetchDelivery {
  let signal: AbortSignal | undefined;
  try {
    signal = request.signal;
  } catch {
    // a request-like object without a signal: aborts are seen through the body only
  }
  const delivery = new FetchDelivery(unit, request.method, routeOf, signal);
  if (signal?.aborted) delivery.abort();
  else signal?.addEventListener('abort', delivery);
  return delivery;
}


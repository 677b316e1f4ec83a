/**
 * @module canon/http/fetch-response
 * Ends the unit of a fetch-style request when its `Response` has been delivered: at once
 * for a response without a body, else when the body stream has been read to its end (the
 * runtime sent it), cancelled (the client went away: `aborted`, 499) or errored (marked,
 * status at least 500). The request's `signal` aborting first also ends the unit as
 * aborted. The request id is echoed on the response (on a copy when its headers are
 * immutable, as on `Response.redirect()` or a `fetch()` result), and the body is read in
 * the unit's context, so a lazily produced stream still sees `getWideEvent()`.
 */
import { storage } from '../core/context.js';
import type { WideEvent } from '../core/event.js';
import { finishFetchUnit } from './fetch-lifecycle.js';
import { CLIENT_CLOSED_REQUEST, hasNoBody } from './lifecycle.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** Returns the route pattern once the response is delivered (or undefined). */
export type FetchRouteOf = () => string | undefined;

/** True for what can be returned as a response: a WHATWG `Response`, from any realm. */
export function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  const candidate = value as Partial<Response> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'number' &&
    typeof candidate.headers?.get === 'function' &&
    'body' in candidate
  );
}

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

function chunkLength(chunk: unknown): number {
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : 0;
}

async function pullOnce(delivery: FetchDelivery, controller: ReadableStreamDefaultController<unknown>): Promise<void> {
  let step: Awaited<ReturnType<ReadableStreamDefaultReader<unknown>['read']>>;
  try {
    step = await delivery.reader!.read();
  } catch (err) {
    delivery.fail(err);
    controller.error(err);
    return;
  }
  try {
    if (step.done) {
      delivery.finish(delivery.status, delivery.bytes);
      controller.close();
    } else {
      delivery.bytes += chunkLength(step.value);
      controller.enqueue(step.value);
    }
  } catch {
    // the runtime cancelled the stream while the read was pending: the unit has ended
  }
}

/** The body stream the runtime reads: the handler's, counted and watched. */
function watchedBody(delivery: FetchDelivery, body: ReadableStream<unknown>): ReadableStream<unknown> {
  delivery.reader = body.getReader();
  return new ReadableStream<unknown>(
    {
      pull(controller) {
        return storage.run(delivery.unit, pullOnce, delivery, controller);
      },
      cancel(reason) {
        delivery.abort();
        return delivery.reader!.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function copyHeaders(response: Response, requestId: string): Headers {
  const headers = new Headers(response.headers);
  if (!headers.has(REQUEST_ID_HEADER)) headers.set(REQUEST_ID_HEADER, requestId);
  return headers;
}

/** `response` with the request id header: itself when its headers can be changed. */
function withRequestId(response: Response, requestId: string): Response {
  if (response.headers.has(REQUEST_ID_HEADER)) return response;
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    const { status, statusText } = response;
    return new Response(response.body, { status, statusText, headers: copyHeaders(response, requestId) });
  }
}

/** Statuses a `Response` can be constructed with; others (101 upgrades, 0 errors) pass through untouched. */
function constructible(status: number): boolean {
  return status >= 200 && status <= 599;
}

/**
 * Hands `response` back with the request id echoed and ends the unit once it has been
 * delivered (see the module comment). Never throws: whatever goes wrong, the unit ends
 * and the handler's own response is returned.
 *
 * @example
 * const delivery = watchRequest(unit, request);
 * return deliverResponse(delivery, await storage.run(unit, handler, request));
 */
export function deliverResponse(delivery: FetchDelivery, response: Response): Response {
  const { unit, method } = delivery;
  const status = response.status;
  delivery.status = status;
  try {
    if (!constructible(status)) {
      delivery.finish(status, undefined);
      return response;
    }
    const body = response.body;
    if (body === null || hasNoBody(method, status) || unit.emitted) {
      delivery.finish(status, body === null ? 0 : undefined);
      return withRequestId(response, unit.request_id);
    }
    const watched = watchedBody(delivery, body as ReadableStream<unknown>);
    const headers = copyHeaders(response, unit.request_id);
    return new Response(watched as ReadableStream<Uint8Array>, { status, statusText: response.statusText, headers });
  } catch {
    delivery.finish(status, undefined); // a locked or used body: pass it on as it is
    return response;
  }
}

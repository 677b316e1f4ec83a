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
import type { FetchDelivery } from './fetch-delivery.js';
import { hasNoBody } from './lifecycle.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export { type FetchDelivery, type FetchRouteOf, watchRequest } from './fetch-delivery.js';

/**
 * True for what can be returned as a response: a WHATWG `Response`, from any realm.
 *
 * @example
 * if (isResponse(thrown)) return deliverResponse(delivery, thrown);
 */
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

/**
 * @module canon/fetch-handler
 * WHATWG fetch handlers — `(request: Request) => Response` — as one wide event each:
 * Next.js route handlers, React Router / Remix request handlers, Bun and Deno servers,
 * `@hono/node-server`'s `createAdaptorServer({ fetch })`. Wrap the handler with
 * `withCanon(canon, handler, options?)`; the event ends when the response body has been
 * fully read by the runtime (streamed bodies included), or cancelled, or when the
 * request's `signal` aborts first (`outcome: 'aborted'`, 499). The request id is echoed
 * on the `Response`. A thrown error is marked and rethrown, so the runtime's (or the
 * framework's) own error handling still answers; a thrown `Response` is an answer.
 */
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import { describe, invalidOption } from '../../core/errors.js';
import { startFetchUnit, urlPath } from '../../http/fetch-lifecycle.js';
import {
  deliverResponse,
  type FetchDelivery,
  type FetchRouteOf,
  isResponse,
  watchRequest,
} from '../../http/fetch-response.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import { enterTenant, JSON_CONTENT_TYPE, type Refusal, REFUSAL_STATUS } from '../../http/tenant.js';

/** Options of {@link withCanon}. */
export interface WithCanonOptions<R extends Request = Request> extends HttpAdapterOptions {
  /**
   * The route pattern the handler serves (`'/users/[id]'`), or a function of the request
   * that returns it. Called when the response has been delivered.
   */
  route?: string | ((request: R) => string | undefined);
}

/** A WHATWG fetch handler; `rest` are the runtime's extra arguments (Next.js's `{ params }`, Bun's server). */
export type FetchHandler<R extends Request = Request, A extends unknown[] = []> = (
  request: R,
  ...rest: A
) => Response | Promise<Response>;

const FRAMEWORK = { canonOption: 'withCanon(canon)', passThrough: ['route'] };

function routeOption<R extends Request>(value: unknown): WithCanonOptions<R>['route'] {
  if (value === undefined || typeof value === 'string' || typeof value === 'function') {
    return value as WithCanonOptions<R>['route'];
  }
  throw invalidOption('route', `expected a route pattern or (request) => string, got ${describe(value)}`);
}

function routeGetter<R extends Request>(
  route: WithCanonOptions<R>['route'],
  request: R,
): FetchRouteOf | undefined {
  if (route === undefined) return undefined;
  if (typeof route === 'string') return () => route;
  return () => route(request);
}

function refusalResponse(refused: Refusal, requestId: string): Response {
  return new Response(refused.body, {
    status: REFUSAL_STATUS,
    headers: { 'content-type': JSON_CONTENT_TYPE, [REQUEST_ID_HEADER]: requestId },
  });
}

/** The handler threw: a `Response` is an answer, anything else a failure the runtime answers (500). */
function thrown(delivery: FetchDelivery, err: unknown): unknown {
  if (isResponse(err)) return deliverResponse(delivery, err);
  delivery.fail(err);
  return err;
}

/**
 * Wraps a fetch handler so each request is one wide event. Invalid arguments throw a
 * `CanonOptionError` here, never on a request.
 *
 * @example
 * // app/api/users/[id]/route.ts (Next.js)
 * import { createCanon, getWideEvent } from 'canon';
 * import { withCanon } from 'canon/fetch-handler';
 *
 * const canon = createCanon({ service: 'web' });
 * export const GET = withCanon(
 *   canon,
 *   async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
 *     const { id } = await params;
 *     getWideEvent()?.set('user.id', id);
 *     return Response.json({ id });
 *   },
 *   { route: '/api/users/[id]' },
 * );
 */
export function withCanon<R extends Request, A extends unknown[]>(
  canon: Canon,
  handler: FetchHandler<R, A>,
  options?: WithCanonOptions<R>,
): (request: R, ...rest: A) => Promise<Response> {
  const { tenant } = resolveAdapterOptions('withCanon', canon, options, FRAMEWORK);
  if (typeof handler !== 'function') {
    throw invalidOption('withCanon(handler)', `expected (request) => Response, got ${describe(handler)}`);
  }
  const route = routeOption<R>(options?.route);
  return async function canonFetchHandler(request: R, ...rest: A): Promise<Response> {
    const unit = startFetchUnit(canon, request, urlPath(request.url), route !== undefined);
    const delivery = watchRequest(unit, request, routeGetter(route, request));
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, request.headers.get(tenant.header));
      if (refused !== undefined) return deliverResponse(delivery, refusalResponse(refused, unit.request_id));
    }
    let response: unknown;
    try {
      response = await storage.run(unit, handler, request, ...rest);
    } catch (err) {
      throw thrown(delivery, err);
    }
    if (isResponse(response)) return deliverResponse(delivery, response);
    // not a Response: the runtime will fail it, and so does the event
    delivery.fail(new TypeError(`the handler returned ${describe(response)} instead of a Response`));
    return response as Response;
  };
}

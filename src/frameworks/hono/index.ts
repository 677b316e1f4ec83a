/**
 * @module canon/hono
 * Hono middleware: `app.use(canonHono(canon, options?))`. One wide event per request on
 * `c.get('canon')` and through `getWideEvent()`; `route` from the matched route's path
 * (`/users/:id`); errors that reach `app.onError` are marked. On `@hono/node-server` it
 * shares the node:http lifecycle (aborts → 499, streamed bytes counted, one emit when the
 * response closes). Elsewhere (`app.request()` in tests, Bun, Deno) the event is emitted
 * when the handler has produced its response.
 */
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { endFetchUnit, startFetchUnit } from '../../http/fetch-lifecycle.js';
import { startHttpUnit } from '../../http/lifecycle.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import { enterTenant, JSON_CONTENT_TYPE, REFUSAL_STATUS } from '../../http/tenant.js';

/** The variables `canonHono` sets: `c.get('canon')`. */
export interface CanonVariables {
  /** The wide event of this request (Canon). */
  canon: WideEvent;
}

/** A Hono `Env` with Canon's variables: `new Hono<CanonEnv>()`. */
export interface CanonEnv {
  Variables: CanonVariables;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The wide event of this request (Canon), in any app using `canonHono`. */
    canon: WideEvent;
  }
}

/** Options of {@link canonHono}. */
export type CanonHonoOptions = HttpAdapterOptions;

/** What `@hono/node-server` passes as `c.env`. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: unknown;
}

type MatchedRoutes = ReturnType<typeof matchedRoutes>;

/**
 * The matched routes, from `hono/route`, or, when the app's `hono` is another copy than
 * the one Canon resolves (monorepos, linked packages), from the request's own public
 * `c.req.matchedRoutes`: `hono/route` finds its data under a Symbol of its own module,
 * which the other copy's requests do not carry.
 */
function routesOf(c: Context): MatchedRoutes | undefined {
  try {
    return matchedRoutes(c);
  } catch {
    // deprecated in favour of `hono/route`, but present on every copy's requests
    const own: unknown = (c.req as { matchedRoutes?: unknown }).matchedRoutes;
    return Array.isArray(own) ? (own as MatchedRoutes) : undefined;
  }
}

/**
 * The route the request was matched to: the route whose handler answered, or, when a
 * middleware answered (or nothing matched), the first handler still ahead of it. Like
 * Hono's own `matchedRoutes` docs, a function taking `next` counts as a middleware.
 */
function honoRoute(c: Context): string | undefined {
  try {
    const routes = routesOf(c) ?? [];
    for (let i = c.req.routeIndex; i < routes.length; i++) {
      if (routes[i].handler.length < 2) return routes[i].path;
    }
  } catch {
    // the route is a nice-to-have; never fail a request over it
  }
  return undefined;
}

/**
 * Runs the rest of the chain in the unit's context and marks errors. A `then` rather than
 * an `async` function: on Node 20-22 every promise pays the context's async hooks, and
 * `await` makes two where this makes one.
 */
function runNext(c: Context, next: Next, unit: WideEvent): Promise<void> {
  let done: Promise<void>;
  try {
    // Hono's `next` returns a native promise, which `Promise.resolve` returns as it is
    done = Promise.resolve(storage.run(unit, next));
  } catch (err) {
    unit.markError(err); // not an Error, so Hono rethrows it past app.onError
    return Promise.reject(err);
  }
  return done.then(
    () => {
      if (c.error !== undefined && !unit.emitted) unit.markError(c.error);
    },
    (err: unknown) => {
      unit.markError(err);
      throw err;
    },
  );
}

/** Without node objects to watch, the event ends with the handler's `Response`. */
async function runNextFetch(c: Context, next: Next, unit: WideEvent): Promise<void> {
  try {
    await runNext(c, next, unit);
  } catch (err) {
    endFetchUnit(unit, c.req.method, 500, null, honoRoute(c)); // the runtime answers 500
    throw err;
  }
  const res = c.res;
  // a handler that returned its own Response did not get the header set before `next`
  if (!res.headers.has(REQUEST_ID_HEADER)) c.header(REQUEST_ID_HEADER, unit.request_id);
  endFetchUnit(unit, c.req.method, res.status, res.headers.get('content-length'), honoRoute(c));
}

/**
 * The middleware: `app.use(canonHono(canon))` before the routes. Invalid arguments throw
 * a `CanonOptionError` here, never on a request.
 *
 * @example
 * import { Hono } from 'hono';
 * import { serve } from '@hono/node-server';
 * import { createCanon } from 'canon';
 * import { canonHono, type CanonEnv } from 'canon/hono';
 *
 * const app = new Hono<CanonEnv>();
 * app.use(canonHono(createCanon({ service: 'api' })));
 * app.get('/users/:id', (c) => {
 *   c.get('canon').set('user.id', c.req.param('id'));
 *   return c.json({ ok: true });
 * });
 * serve({ fetch: app.fetch, port: 3000 });
 */
export function canonHono(canon: Canon, options?: CanonHonoOptions): MiddlewareHandler<CanonEnv> {
  const { tenant } = resolveAdapterOptions('canonHono', canon, options);
  return function canonHonoMiddleware(c, next) {
    const bindings = c.env as NodeBindings | undefined;
    const incoming = bindings?.incoming;
    const outgoing = bindings?.outgoing;
    const onNode = incoming !== undefined && outgoing instanceof ServerResponse;
    const unit = onNode
      ? startHttpUnit(canon, incoming, outgoing, honoRoute, c)
      : startFetchUnit(canon, c.req.raw, c.req.path);
    c.set('canon', unit);
    if (!onNode) c.header(REQUEST_ID_HEADER, unit.request_id);
    if (tenant !== undefined) {
      const value = onNode ? incoming.headers[tenant.header] : c.req.header(tenant.header);
      const refused = enterTenant(tenant, unit, value);
      if (refused !== undefined) {
        const response = c.body(refused.body, REFUSAL_STATUS, { 'content-type': JSON_CONTENT_TYPE });
        if (!onNode) endFetchUnit(unit, c.req.method, REFUSAL_STATUS, null, undefined);
        return Promise.resolve(response);
      }
    }
    return onNode ? runNext(c, next, unit) : runNextFetch(c, next, unit);
  };
}

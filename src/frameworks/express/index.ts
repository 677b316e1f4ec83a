/**
 * @module canon/express
 * Express adapter: `app.use(canonExpress(canon, options?))` first, `app.use(canonExpressError())`
 * after the routes. One wide event per request on `req.canon`; `route` includes the
 * router's mount path (`/api/users/:id`). Works with Express 4 and 5.
 */
import { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Canon } from '../../core/canon.js';
import { getWideEvent, storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { startHttpUnit } from '../../http/lifecycle.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { enterTenant, refuseRequest } from '../../http/tenant.js';

declare global {
  namespace Express {
    interface Request {
      /** The wide event of this request (Canon). */
      canon: WideEvent;
    }
  }
}

const kRoute = Symbol('canon.express.route');
const kRoutePattern = Symbol('canon.express.routePattern');

type RouteHolder = Request & { [kRoute]?: { path?: unknown }; [kRoutePattern]?: string };

/**
 * Express assigns `req.route` when a route matches, while `req.baseUrl` still holds the
 * mount path (it is reset once an error leaves the router). Capturing the full pattern at
 * that moment gives `/api/users/:id` even for errors handled at the top level. The
 * accessor is defined once on the app's request prototype (Express gives each request
 * that prototype), never on the request itself: a property defined per request would
 * cost more than the rest of Canon's work on it.
 */
const routeProperty: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: RouteHolder) {
    return this[kRoute];
  },
  set(this: RouteHolder, route: { path?: unknown } | undefined) {
    this[kRoute] = route;
    if (typeof route?.path === 'string') this[kRoutePattern] = (this.baseUrl ?? '') + route.path;
  },
};

/** Request prototypes that carry {@link routeProperty} already. */
const withRouteAccessor = new WeakSet<object>();

function captureRoutes(req: Request): void {
  const proto = Object.getPrototypeOf(req) as object | null;
  // outside Express (the middleware in a bare connect stack) the prototype is node's own,
  // shared by every server of the process: left alone, the route is read at the end
  if (proto === null || proto === IncomingMessage.prototype || withRouteAccessor.has(proto)) return;
  withRouteAccessor.add(proto);
  try {
    if (!Object.hasOwn(proto, 'route')) Object.defineProperty(proto, 'route', routeProperty);
  } catch {
    // a frozen `app.request`: the route is read at the end instead (expressRoute)
  }
}

/**
 * The pattern captured when the route matched; else (a mounted sub-app, whose own request
 * prototype has no accessor) the route and mount path as they are now.
 */
function expressRoute(req: unknown): string | undefined {
  const holder = req as RouteHolder;
  const captured = holder[kRoutePattern];
  if (captured !== undefined) return captured;
  const path = holder.route?.path;
  return typeof path === 'string' ? (holder.baseUrl ?? '') + path : undefined;
}

/** Options of {@link canonExpress}. */
export type CanonExpressOptions = HttpAdapterOptions;

/**
 * The request middleware: mount it before everything else. Invalid arguments throw a
 * `CanonOptionError` here, never on a request.
 *
 * @example
 * const app = express();
 * app.use(canonExpress(canon, { tenant: { header: 'x-tenant-id' } }));
 * app.get('/users/:id', (req, res) => { req.canon.set('user.id', req.params.id); res.json({}); });
 * app.use(canonExpressError());
 */
export function canonExpress(canon: Canon, options?: CanonExpressOptions): RequestHandler {
  const { tenant } = resolveAdapterOptions('canonExpress', canon, options);
  return function canonExpressMiddleware(req: Request, res: Response, next: NextFunction): void {
    const unit = startHttpUnit(canon, req, res, expressRoute);
    req.canon = unit;
    captureRoutes(req);
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, req.headers[tenant.header]);
      if (refused !== undefined) return refuseRequest(res, refused);
    }
    storage.run(unit, next);
  };
}

/**
 * The error middleware: marks the error on the event and passes it on with `next(err)`,
 * so the app's own error handler still answers. Mount it after the routes.
 *
 * @example
 * app.use(canonExpressError());
 * app.use((err, req, res, next) => res.status(500).json({ error: err.message }));
 */
export function canonExpressError(): ErrorRequestHandler {
  return function canonExpressErrorMiddleware(
    err: unknown,
    req: Request,
    _res: Response,
    next: NextFunction,
  ): void {
    (req.canon ?? getWideEvent())?.markError(err);
    next(err);
  };
}

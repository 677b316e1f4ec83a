/**
 * @module canon/koa
 * Koa middleware: `app.use(canonKoa(canon, options?))` first (or right after your own
 * error-handling middleware). One wide event per request on `ctx.canon` and through
 * `getWideEvent()`; `route` from `@koa/router` when it matched; errors thrown downstream
 * are marked and rethrown, so Koa's own error handling still answers.
 */
import type { Context, Middleware, Next } from 'koa';
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { startHttpUnit } from '../../http/lifecycle.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { enterTenant, REFUSAL_STATUS } from '../../http/tenant.js';

declare module 'koa' {
  interface DefaultContext {
    /** The wide event of this request (Canon). */
    canon: WideEvent;
  }
}

/** Options of {@link canonKoa}. */
export type CanonKoaOptions = HttpAdapterOptions;

/** `@koa/router` records the matched layer's path (prefix included) as `_matchedRoute`. */
function koaRoute(ctx: Context): string | undefined {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}

async function runDownstream(unit: WideEvent, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    unit.markError(err);
    throw err;
  }
}

/**
 * The middleware. Invalid arguments throw a `CanonOptionError` here, never on a request.
 *
 * @example
 * import Koa from 'koa';
 * import Router from '@koa/router';
 * import { createCanon, getWideEvent } from 'canon';
 * import { canonKoa } from 'canon/koa';
 *
 * const app = new Koa();
 * const router = new Router();
 * router.get('/users/:id', (ctx) => {
 *   ctx.canon.set('user.id', ctx.params.id);
 *   getWideEvent()?.count('db.query_count');
 *   ctx.body = { ok: true };
 * });
 * app.use(canonKoa(createCanon({ service: 'api' })));
 * app.use(router.routes());
 * app.listen(3000);
 */
export function canonKoa(canon: Canon, options?: CanonKoaOptions): Middleware {
  const { tenant } = resolveAdapterOptions('canonKoa', canon, options);
  return function canonKoaMiddleware(ctx: Context, next: Next): Promise<void> | undefined {
    const unit = startHttpUnit(canon, ctx.req, ctx.res, koaRoute, ctx);
    ctx.canon = unit;
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, ctx.req.headers[tenant.header]);
      if (refused !== undefined) {
        ctx.status = REFUSAL_STATUS;
        ctx.type = 'application/json';
        ctx.body = refused.body;
        return undefined;
      }
    }
    return storage.run(unit, runDownstream, unit, next);
  };
}

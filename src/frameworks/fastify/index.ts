/**
 * @module canon/fastify
 * Fastify 5 plugin: `app.register(canonFastify, { canon, ...options })`. It applies to the
 * whole app (skip-override, like `fastify-plugin`): one wide event per request on
 * `request.canon` and through `getWideEvent()` in handlers, hooks and everything they
 * call; `route` from the route's URL (`/users/:id`, prefix included); errors that reach
 * Fastify's error handling are marked. The event is emitted once, when the response
 * closes, so `reply.hijack()`, aborts and Fastify's own logger change nothing.
 */
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { startHttpUnit } from '../../http/lifecycle.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { enterTenant, JSON_CONTENT_TYPE, REFUSAL_STATUS } from '../../http/tenant.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The wide event of this request (Canon). */
    canon: WideEvent;
  }
}

/** Register options of {@link canonFastify}. */
export interface CanonFastifyOptions extends HttpAdapterOptions {
  /** The instance `createCanon()` returned. */
  canon: Canon;
}

const FRAMEWORK = { canonOption: 'canon', passThrough: ['canon', 'prefix', 'logLevel', 'logSerializers'] };

/** The route's URL (`/users/:id`, prefix included); undefined for Fastify's 404. */
function fastifyRoute(request: FastifyRequest): string | undefined {
  return request.routeOptions.url;
}

function canonOnError(
  request: FastifyRequest,
  _reply: FastifyReply,
  error: FastifyError,
  done: HookHandlerDoneFunction,
): void {
  request.canon?.markError(error);
  done();
}

function canonFastifyPlugin(
  fastify: FastifyInstance,
  options: CanonFastifyOptions,
  done: (err?: Error) => void,
): void {
  let settings: ReturnType<typeof resolveAdapterOptions>;
  try {
    settings = resolveAdapterOptions('canonFastify', options?.canon, options, FRAMEWORK);
  } catch (err) {
    return done(err as Error);
  }
  const { canon, tenant } = settings;
  fastify.decorateRequest('canon', null as unknown as WideEvent);
  fastify.addHook('onRequest', function canonOnRequest(request, reply, next) {
    const unit = startHttpUnit(canon, request.raw, reply.raw, fastifyRoute, request);
    unit.fields.route = fastifyRoute(request); // known now: handlers can read it
    request.canon = unit;
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, request.headers[tenant.header]);
      if (refused !== undefined) {
        reply.code(REFUSAL_STATUS).header('content-type', JSON_CONTENT_TYPE).send(refused.body);
        return;
      }
    }
    // the rest of the lifecycle runs inside `next`; Fastify itself carries the context
    // across body parsing (its content-type parser resumes in the request's scope)
    storage.run(unit, next);
  });
  fastify.addHook('onError', canonOnError);
  done();
}

/**
 * The Fastify plugin. Register it before your routes and other plugins, so their hooks
 * run inside the request's context. Invalid options fail `app.ready()` with a
 * `CanonOptionError` naming the option.
 *
 * @example
 * import Fastify from 'fastify';
 * import { createCanon, getWideEvent } from 'canon';
 * import { canonFastify } from 'canon/fastify';
 *
 * const app = Fastify();
 * await app.register(canonFastify, { canon: createCanon({ service: 'api' }) });
 * app.get('/users/:id', async (request) => {
 *   request.canon.set('user.id', (request.params as { id: string }).id);
 *   getWideEvent()?.count('db.query_count');
 *   return { ok: true };
 * });
 * await app.listen({ port: 3000 });
 */
export const canonFastify: FastifyPluginCallback<CanonFastifyOptions> = Object.assign(canonFastifyPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'canon',
  [Symbol.for('plugin-meta')]: { name: 'canon', fastify: '5.x' },
});

export default canonFastify;

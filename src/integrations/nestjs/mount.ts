/**
 * @module canon/nestjs/mount
 * Starts each request's unit on the platform under Nest, before anything of Nest runs
 * for it (middleware, guards, interceptors, pipes, the handler, exception filters):
 *
 * - Express: an Express middleware mounted with the adapter's `use()`; mounted while the
 *   application is being created, it runs before Nest's body parsers too, so a request
 *   refused for its body (400, 413) is still one event. `route` is Express's matched
 *   route (Nest registers full paths: `/api/users/:id`).
 * - Fastify: an `onRequest` hook on the Fastify instance, as `canon/fastify` does;
 *   `route` is Fastify's route URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import { startHttpUnit } from '../../http/lifecycle.js';
import { enterTenant, JSON_CONTENT_TYPE, REFUSAL_STATUS, refuseRequest, type TenantRule } from '../../http/tenant.js';

/** @internal What the module needs at request time. */
export interface NestSettings {
  canon: Canon;
  tenant: TenantRule | undefined;
}

/** The part of Nest's HTTP adapter (`HttpAdapterHost.httpAdapter`) used here. */
export interface PlatformAdapter {
  getType(): string;
  getInstance(): unknown;
  use(...args: unknown[]): unknown;
}

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void): unknown;
}
interface FastifyRequestLike {
  raw: IncomingMessage;
  routeOptions?: { url?: string };
}
interface FastifyReplyLike {
  raw: ServerResponse;
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body: string): unknown;
}

type ExpressRequest = IncomingMessage & { route?: { path?: unknown } };

const kMounted = Symbol.for('canon.nestjs.mounted');

function expressRoute(req: ExpressRequest): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? path : undefined;
}

/** The matched route's URL; undefined when no route matched. */
function fastifyRoute(request: FastifyRequestLike): string | undefined {
  return request.routeOptions?.url;
}

function expressMiddleware({ canon, tenant }: NestSettings) {
  return function canonNestMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const unit = startHttpUnit(canon, req, res, expressRoute);
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, req.headers[tenant.header]);
      if (refused !== undefined) return refuseRequest(res, refused);
    }
    storage.run(unit, next);
  };
}

function fastifyHook({ canon, tenant }: NestSettings) {
  return function canonNestOnRequest(request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void): void {
    const unit = startHttpUnit(canon, request.raw, reply.raw, fastifyRoute, request);
    unit.fields.route = fastifyRoute(request); // known now: handlers and guards can read it
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, request.raw.headers[tenant.header]);
      if (refused !== undefined) {
        reply.code(REFUSAL_STATUS).header('content-type', JSON_CONTENT_TYPE).send(refused.body);
        return;
      }
    }
    storage.run(unit, done);
  };
}

/**
 * @internal Mounts Canon on the platform of `adapter` once (later calls for the same
 * adapter do nothing). Returns false when there is no HTTP adapter yet.
 *
 * @example
 * mountCanon(httpAdapterHost.httpAdapter, settings);
 */
export function mountCanon(adapter: PlatformAdapter | undefined, settings: NestSettings): boolean {
  if (adapter === undefined || adapter === null) return false;
  const marked = adapter as PlatformAdapter & { [kMounted]?: boolean };
  if (marked[kMounted]) return true;
  marked[kMounted] = true;
  if (adapter.getType() === 'fastify') {
    (adapter.getInstance() as FastifyLike).addHook('onRequest', fastifyHook(settings));
  } else {
    adapter.use(expressMiddleware(settings));
  }
  return true;
}

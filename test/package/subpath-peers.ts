/**
 * What a TypeScript user installs for each subpath's declarations, beyond `canon` and
 * `@types/node`: the peer the subpath is for, with its `@types/*` package when the peer
 * ships no types of its own. A subpath not for any one peer (`canon/outbox` takes a pg
 * pool or a PGlite instance) declares the shapes it needs and imports nothing.
 *
 * The test holds the published declarations to this table both ways: they import exactly
 * these packages, and they compile in a fresh project that has only them.
 */
export const SUBPATH_PEERS: Record<string, string[]> = {
  '.': [],
  './express': ['express', '@types/express'],
  './node': [],
  './fastify': ['fastify'],
  './hono': ['hono'],
  './koa': ['koa', '@types/koa'],
  './logger': [],
  './pino': [],
  './tenant': [],
  './pg': [],
  './drizzle': [],
  './kysely': ['kysely'],
  './prisma': [],
  './fetch': [],
  './redis': [],
  './otel': ['@opentelemetry/api'],
  './sse': [],
  './events': [],
  './outbox': [],
  './webhooks': [],
  './webhooks/express': [],
  './webhooks/fastify': ['fastify'],
  './webhooks/hono': ['hono'],
  './consumer': [],
  './nats': ['nats'],
  './rabbitmq': ['amqplib'],
  './redis-streams': ['ioredis'],
  './metrics': ['prom-client'],
  './audit': [],
  './enrichers': [], // bowser is loaded at run time by userAgent(); its types are not exposed
  './console': [],
  './browser': [],
  './react': [], // useCanonEvents is typed without React's types
  './browser-ingest': [],
  './nestjs': ['@nestjs/common'],
  './graphql': ['graphql'],
  './fetch-handler': [],
  './lambda': [], // the events are typed by Canon (no @types/aws-lambda)
};

/** `@types/express` → `express`: the module a types package describes. */
export function typedModule(name: string): string {
  if (!name.startsWith('@types/')) return name;
  const bare = name.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

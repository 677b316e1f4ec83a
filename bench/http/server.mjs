// One benchmark server per process: `node bench/http/server.mjs <variant> <port>`.
// Every variant answers GET / with the same small JSON body; stdout goes to /dev/null.
// Handlers look like real ones: each records two user fields on its logger's request
// line (Canon: `getWideEvent()?.set`, pino-http: `req.log.setBindings`, evlog:
// `req.log.set`; the bare servers record nothing), and node:http is measured with both
// header styles, `setHeader` + `end` and `writeHead(status, headersObject)`.
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';

const [variant, port] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: 'world', items: [1, 2, 3] });
const HEADERS = { 'content-type': 'application/json' };
const USER = { id: 'u_1', plan: 'pro' };

/** A node:http handler that records the user with `annotate(req)` and answers in `style`. */
function nodeHandler(annotate = () => {}, style = 'setHeader') {
  if (style === 'writeHead') {
    return (req, res) => {
      annotate(req);
      res.writeHead(200, HEADERS);
      res.end(BODY);
    };
  }
  return (req, res) => {
    annotate(req);
    res.setHeader('content-type', 'application/json');
    res.end(BODY);
  };
}
const handler = nodeHandler();

const { getWideEvent } = await import('../../dist/index.js');
/** What a handler (or a service it calls) writes on Canon's event of the request. */
function canonUser() {
  const event = getWideEvent();
  event?.set('user.id', USER.id);
  event?.set('user.plan', USER.plan);
}
const pinoUser = (req) => req.log.setBindings({ user: USER });

async function canonInstance(extra = {}) {
  const { createCanon } = await import('../../dist/index.js');
  return createCanon({
    service: 'bench',
    redact: { fields: ['user.email', '**.password', 'request.headers.authorization'] },
    sample: () => true,
    ...extra,
  });
}

/** node:canon with one of the issue-17 features on (`node:canon+metrics`, ...). */
async function nodeCanonWith(feature) {
  const { canonNode } = await import('../../dist/frameworks/node/index.js');
  let handle = nodeHandler(canonUser);
  let config = {};
  let listener;
  if (feature === 'metrics') {
    const { canonMetrics } = await import('../../dist/metrics/index.js');
    config = { plugins: [canonMetrics({ meterProvider: false })] };
  } else if (feature === 'dynamic') {
    const { dynamicSample } = await import('../../dist/index.js');
    config = {
      sample: dynamicSample({ key: (e) => [e.route ?? e.path, e.status_code], goalRate: 20, keep: (e) => e.outcome !== 'success' }),
    };
  } else if (feature === 'enrichers') {
    const { deployment, geo, userAgent } = await import('../../dist/enrichers/index.js');
    config = { plugins: [userAgent(), deployment(), geo()] };
    // wrk sends no User-Agent: give each request one of a few real ones (cache hits after the first)
    const agents = [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    ];
    let n = 0;
    listener = (inner) => (req, res) => {
      req.headers['user-agent'] = agents[n++ % agents.length];
      req.headers['cf-ipcountry'] = 'FR';
      inner(req, res);
    };
  } else if (feature === 'all') {
    // trackPg, fetch tracking, the logger and the OTel bridge all on; each request logs once
    const { otelBridge } = await import('../../dist/otel/index.js');
    const { trackPg } = await import('../../dist/tracking/pg/index.js');
    const { installFetchTracking } = await import('../../dist/tracking/fetch/index.js');
    const { getLogger } = await import('../../dist/logger/index.js');
    const { default: pg } = await import('pg');
    trackPg(new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }));
    installFetchTracking();
    config = { plugins: [otelBridge()] };
    const log = getLogger('bench');
    const answer = handle;
    handle = (req, res) => {
      log.info({ plan: USER.plan }, 'user loaded');
      answer(req, res);
    };
  } else if (feature === 'channel') {
    const { subscribe } = await import('node:diagnostics_channel');
    subscribe('canon:event', () => {});
    subscribe('canon:unit-start', () => {});
  }
  const canon = await canonInstance(config);
  if (feature === 'audit') {
    const answer = handle;
    handle = (req, res) => {
      canon.audit({ action: 'bench.read', actor: 'u_1', target: req.url });
      answer(req, res);
    };
  }
  const inner = canonNode(canon, handle);
  return http.createServer(listener ? listener(inner) : inner);
}

async function expressApp(setup, annotate) {
  const { default: express } = await import('express');
  const app = express();
  await setup(app);
  app.get('/', nodeHandler(annotate));
  return app;
}

async function fastifyApp(options, setup, annotate = () => {}) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify(options);
  await setup(app);
  app.get('/', (request, reply) => {
    annotate(request);
    reply.header('content-type', 'application/json').send(BODY);
  });
  await app.ready();
  return app.server;
}

async function honoServer(setup, annotate = () => {}) {
  const { Hono } = await import('hono');
  const { createAdaptorServer } = await import('@hono/node-server');
  const app = new Hono();
  await setup(app);
  app.get('/', (c) => {
    annotate(c);
    return c.body(BODY, 200, HEADERS);
  });
  return createAdaptorServer({ fetch: app.fetch });
}

async function koaServer(setup, annotate = () => {}) {
  const { default: Koa } = await import('koa');
  const { default: Router } = await import('@koa/router');
  const app = new Koa();
  const router = new Router();
  await setup(app);
  router.get('/', (ctx) => {
    annotate(ctx);
    ctx.type = 'application/json';
    ctx.body = BODY;
  });
  app.use(router.routes());
  return http.createServer(app.callback());
}

async function canonNodeServer(style) {
  const { canonNode } = await import('../../dist/frameworks/node/index.js');
  return http.createServer(canonNode(await canonInstance(), nodeHandler(canonUser, style)));
}

/** pino-http as its README sets it up; `destination`: pino's own buffered sync writer instead. */
async function pinoNodeServer(style, destination = false) {
  const { default: pinoHttp } = await import('pino-http');
  const { default: pino } = await import('pino');
  const log = destination ? pinoHttp({ logger: pino(pino.destination({ sync: true, minLength: 4096 })) }) : pinoHttp();
  const inner = nodeHandler(pinoUser, style);
  return http.createServer((req, res) => {
    log(req, res);
    inner(req, res);
  });
}

// The cost of AsyncLocalStorage alone: the bare handler inside an empty `storage.run`
// (`<framework>:als`: a middleware that runs the rest of the request inside one).
const als = new AsyncLocalStorage();

const variants = {
  'node:bare': async () => http.createServer(handler),
  'node:als': async () => http.createServer((req, res) => als.run({}, handler, req, res)),
  'node:canon': () => canonNodeServer('setHeader'),
  'node:pino-http': () => pinoNodeServer('setHeader'),
  // the same, writing like Canon's stdout sink does: synchronous 4 KiB batches
  'node:pino-http+sync4k': () => pinoNodeServer('setHeader', true),
  'node-writehead:bare': async () => http.createServer(nodeHandler(undefined, 'writeHead')),
  'node-writehead:canon': () => canonNodeServer('writeHead'),
  'node-writehead:pino-http': () => pinoNodeServer('writeHead'),
  'node:canon+metrics': () => nodeCanonWith('metrics'),
  'node:canon+dynamic': () => nodeCanonWith('dynamic'),
  'node:canon+audit': () => nodeCanonWith('audit'),
  'node:canon+enrichers': () => nodeCanonWith('enrichers'),
  'node:canon+channel': () => nodeCanonWith('channel'),
  'node:canon+all': () => nodeCanonWith('all'),
  'express:bare': async () => http.createServer(await expressApp(() => {})),
  'express:canon': async () => {
    const { canonExpress, canonExpressError } = await import('../../dist/frameworks/express/index.js');
    const canon = await canonInstance();
    const app = await expressApp((app) => app.use(canonExpress(canon)), canonUser);
    app.use(canonExpressError());
    return http.createServer(app);
  },
  'express:als': async () => http.createServer(await expressApp((app) => app.use((req, res, next) => als.run({}, next)))),
  'express:pino-http': async () => {
    const { default: pinoHttp } = await import('pino-http');
    return http.createServer(await expressApp((app) => app.use(pinoHttp()), pinoUser));
  },
  'express:evlog': async () => {
    const { initLogger } = await import('evlog');
    const { evlog } = await import('evlog/express');
    initLogger({ env: { service: 'bench' } });
    return http.createServer(await expressApp((app) => app.use(evlog()), (req) => req.log.set({ user: USER })));
  },
  'fastify:bare': async () => fastifyApp({}, () => {}),
  'fastify:als': async () => fastifyApp({}, (app) => app.addHook('onRequest', (request, reply, done) => als.run({}, done))),
  'fastify:canon': async () => {
    const { canonFastify } = await import('../../dist/frameworks/fastify/index.js');
    const canon = await canonInstance();
    return fastifyApp({}, (app) => app.register(canonFastify, { canon }), canonUser);
  },
  // Fastify's own pino logger (incoming request + request completed lines), to /dev/null;
  // the user goes on the request's child logger, as Fastify's docs do
  'fastify:logger': async () => fastifyApp({ logger: true }, () => {}, (request) => request.log.setBindings({ user: USER })),
  'hono:bare': async () => honoServer(() => {}),
  'hono:als': async () => honoServer((app) => app.use((c, next) => als.run({}, next))),
  'hono:canon': async () => {
    const { canonHono } = await import('../../dist/frameworks/hono/index.js');
    const canon = await canonInstance();
    return honoServer((app) => app.use(canonHono(canon)), canonUser);
  },
  // pino-http on the node:http request and response that @hono/node-server passes as `c.env`
  'hono:pino-http': async () => {
    const { default: pinoHttp } = await import('pino-http');
    const log = pinoHttp();
    const middleware = (c, next) => {
      log(c.env.incoming, c.env.outgoing);
      return next();
    };
    return honoServer((app) => app.use(middleware), (c) => c.env.incoming.log.setBindings({ user: USER }));
  },
  'koa:bare': async () => koaServer(() => {}),
  'koa:als': async () => koaServer((app) => app.use((ctx, next) => als.run({}, next))),
  'koa:canon': async () => {
    const { canonKoa } = await import('../../dist/frameworks/koa/index.js');
    const canon = await canonInstance();
    return koaServer((app) => app.use(canonKoa(canon)), canonUser);
  },
  // pino-http as Koa middleware, as koa-pino-logger wires it
  'koa:pino-http': async () => {
    const { default: pinoHttp } = await import('pino-http');
    const log = pinoHttp();
    return koaServer(
      (app) =>
        app.use((ctx, next) => {
          log(ctx.req, ctx.res);
          return next();
        }),
      (ctx) => ctx.req.log.setBindings({ user: USER }),
    );
  },
};

const make = variants[variant];
if (!make) {
  console.error(`unknown variant ${variant}; known: ${Object.keys(variants).join(', ')}`);
  process.exit(2);
}
const server = await make();
server.keepAliveTimeout = 60_000;
// The runner asks for CPU time and request count around the measured window, so the cost
// per request can be compared even when the machine's speed drifts between runs.
let requests = 0;
server.on('request', () => requests++);
// bench/http/profile.mjs stops the server with SIGINT: exit normally so --cpu-prof writes
process.on('SIGINT', () => process.exit(0));
process.on('message', () => process.send({ requests, cpu: process.cpuUsage() }));
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));

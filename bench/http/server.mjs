// One benchmark server per process: `node bench/http/server.mjs <variant> <port>`.
// Every variant answers GET / with the same small JSON body; stdout goes to /dev/null.
import http from 'node:http';

const [variant, port] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: 'world', items: [1, 2, 3] });

function handler(_req, res) {
  res.setHeader('content-type', 'application/json');
  res.end(BODY);
}

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
  let handle = handler;
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
  } else if (feature === 'channel') {
    const { subscribe } = await import('node:diagnostics_channel');
    subscribe('canon:event', () => {});
    subscribe('canon:unit-start', () => {});
  }
  const canon = await canonInstance(config);
  if (feature === 'audit') {
    handle = (req, res) => {
      canon.audit({ action: 'bench.read', actor: 'u_1', target: req.url });
      handler(req, res);
    };
  }
  const inner = canonNode(canon, handle);
  return http.createServer(listener ? listener(inner) : inner);
}

async function expressApp(setup) {
  const { default: express } = await import('express');
  const app = express();
  await setup(app);
  app.get('/', handler);
  return app;
}

async function fastifyApp(options, setup) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify(options);
  await setup(app);
  app.get('/', (_request, reply) => {
    reply.header('content-type', 'application/json').send(BODY);
  });
  await app.ready();
  return app.server;
}

async function honoServer(setup) {
  const { Hono } = await import('hono');
  const { createAdaptorServer } = await import('@hono/node-server');
  const app = new Hono();
  await setup(app);
  app.get('/', (c) => c.body(BODY, 200, { 'content-type': 'application/json' }));
  return createAdaptorServer({ fetch: app.fetch });
}

const variants = {
  'node:bare': async () => http.createServer(handler),
  'node:canon': async () => {
    const { canonNode } = await import('../../dist/frameworks/node/index.js');
    return http.createServer(canonNode(await canonInstance(), handler));
  },
  'node:canon+metrics': () => nodeCanonWith('metrics'),
  'node:canon+dynamic': () => nodeCanonWith('dynamic'),
  'node:canon+audit': () => nodeCanonWith('audit'),
  'node:canon+enrichers': () => nodeCanonWith('enrichers'),
  'node:canon+channel': () => nodeCanonWith('channel'),
  'node:pino-http': async () => {
    const { default: pinoHttp } = await import('pino-http');
    const log = pinoHttp();
    return http.createServer((req, res) => {
      log(req, res);
      handler(req, res);
    });
  },
  'express:bare': async () => http.createServer(await expressApp(() => {})),
  'express:canon': async () => {
    const { canonExpress, canonExpressError } = await import('../../dist/frameworks/express/index.js');
    const canon = await canonInstance();
    const app = await expressApp((app) => app.use(canonExpress(canon)));
    app.use(canonExpressError());
    return http.createServer(app);
  },
  'express:pino-http': async () => {
    const { default: pinoHttp } = await import('pino-http');
    return http.createServer(await expressApp((app) => app.use(pinoHttp())));
  },
  'express:evlog': async () => {
    const { initLogger } = await import('evlog');
    const { evlog } = await import('evlog/express');
    initLogger({ env: { service: 'bench' } });
    return http.createServer(await expressApp((app) => app.use(evlog())));
  },
  'fastify:bare': async () => fastifyApp({}, () => {}),
  'fastify:canon': async () => {
    const { canonFastify } = await import('../../dist/frameworks/fastify/index.js');
    const canon = await canonInstance();
    return fastifyApp({}, (app) => app.register(canonFastify, { canon }));
  },
  // Fastify's own pino logger (incoming request + request completed lines), to /dev/null
  'fastify:logger': async () => fastifyApp({ logger: true }, () => {}),
  'hono:bare': async () => honoServer(() => {}),
  'hono:canon': async () => {
    const { canonHono } = await import('../../dist/frameworks/hono/index.js');
    const canon = await canonInstance();
    return honoServer((app) => app.use(canonHono(canon)));
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
process.on('message', () => process.send({ requests, cpu: process.cpuUsage() }));
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));

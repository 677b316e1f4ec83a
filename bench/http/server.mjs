// One benchmark server per process: `node bench/http/server.mjs <variant> <port>`.
// Every variant answers GET / with the same small JSON body; stdout goes to /dev/null.
import http from 'node:http';

const [variant, port] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: 'world', items: [1, 2, 3] });

function handler(_req, res) {
  res.setHeader('content-type', 'application/json');
  res.end(BODY);
}

async function canonInstance() {
  const { createCanon } = await import('../../dist/index.js');
  return createCanon({
    service: 'bench',
    redact: { fields: ['user.email', '**.password', 'request.headers.authorization'] },
    sample: () => true,
  });
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

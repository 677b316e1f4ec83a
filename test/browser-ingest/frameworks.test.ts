/**
 * The wiring docs/browser-ingest.md shows, on each framework: a beacon (text/plain) and a
 * JSON POST with its preflight reach the ingest and become events; the app's own routes
 * (and its HTTP wide events) carry on around it.
 */
import http from 'node:http';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { browserIngest } from '../../src/browser-ingest/index.js';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { type Canon, createCanon, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { beacon, ORIGIN, records, send } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Build = (canon: Canon) => Promise<string>;

async function served(server: http.Server): Promise<string> {
  const { url, close } = await listen(server);
  closers.push(close);
  return `${url}/_canon/browser`;
}

const frameworks: [string, Build][] = [
  [
    'Express (after express.json(), which reads JSON bodies first)',
    async (canon) => {
      const app = express();
      app.use(canonExpress(canon));
      app.use(express.json());
      app.use('/_canon/browser', browserIngest(canon, { origins: [ORIGIN] }));
      return served(http.createServer(app));
    },
  ],
  [
    'Fastify (onRequest hook, before Fastify parses the body)',
    async (canon) => {
      const app = Fastify();
      const ingest = browserIngest(canon, { origins: [ORIGIN] });
      app.addHook('onRequest', (request, reply, done) => {
        if (request.url.split('?')[0] !== '/_canon/browser') return done();
        reply.hijack();
        ingest(request.raw, reply.raw);
      });
      await app.ready();
      closers.push(() => app.close());
      return served(app.server);
    },
  ],
  [
    'Koa (ctx.respond = false)',
    async (canon) => {
      const app = new Koa();
      const ingest = browserIngest(canon, { origins: [ORIGIN] });
      app.use(async (ctx, next) => {
        if (ctx.path !== '/_canon/browser') return next();
        ctx.respond = false;
        ingest(ctx.req, ctx.res);
      });
      return served(http.createServer(app.callback()));
    },
  ],
  [
    'Hono on @hono/node-server (the raw node objects)',
    async (canon) => {
      const app = new Hono<{ Bindings: HttpBindings }>();
      const ingest = browserIngest(canon, { origins: [ORIGIN] });
      app.on(['POST', 'OPTIONS'], '/_canon/browser', (c) => {
        ingest(c.env.incoming, c.env.outgoing);
        return RESPONSE_ALREADY_SENT;
      });
      return served(createAdaptorServer({ fetch: app.fetch }) as http.Server);
    },
  ],
];

describe.each(frameworks)('%s', (_name, build) => {
  it('takes beacons and preflighted JSON posts', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'shop-api', sinks: [sink], handleExit: false });
    const url = await build(canon);
    const [error, , log] = records();
    const sent = await beacon(url, { service: 'web', records: [error] });
    expect([sent.status, sent.json]).toEqual([202, { accepted: 1, dropped: 0 }]);
    const preflight = await send(url, 'OPTIONS', null, {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([204, ORIGIN]);
    const json = await send(url, 'POST', JSON.stringify({ service: 'web', records: [log] }), {
      origin: ORIGIN,
      'content-type': 'application/json',
    });
    expect([json.status, json.json]).toEqual([202, { accepted: 1, dropped: 0 }]);
    const refused = await beacon(url, { service: 'web', records: [log] }, 'https://evil.example');
    expect(refused.status).toBe(403);
    const browserEvents = sink.events.filter((event) => event.kind === 'browser');
    expect(browserEvents.map((event) => (event.browser as { type: string }).type)).toEqual(['error', 'log']);
  });
});

/**
 * The mounting recipes of docs/console.md, run for real: Fastify (hijacked before body
 * parsing), Hono on @hono/node-server, Koa. Each serves the page under its prefix and
 * reads a POST body (the API's writes).
 */
import http from 'node:http';
import { type HttpBindings, serve } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { type ConsoleHandler, createConsole } from '../../src/console/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { request } from './request.js';

const canon = createCanon({ service: 'frameworks', sinks: [memorySink()], handleExit: false });

async function check(url: string, handler: ConsoleHandler): Promise<void> {
  try {
    expect((await request(`${url}/_canon`)).headers.location).toBe('/_canon/');
    const page = await request(`${url}/_canon/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('assets/app.js');
    expect((await request(`${url}/_canon/assets/app.js`)).status).toBe(200);
    const post = await request(`${url}/_canon/api/dead-letters/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-canon-console': '1' },
      body: JSON.stringify({ source: 'nats', consumer: 'billing' }),
    });
    expect(post.status).toBe(404);
    expect(JSON.parse(post.body).error).toContain('no consumer billing (nats)'); // the body was read
  } finally {
    await handler.close();
  }
}

describe('mounting the console', () => {
  it('Fastify: an onRequest hook hands the raw request over before Fastify parses the body', async () => {
    const handler = createConsole({ canon });
    const app = Fastify();
    app.addHook('onRequest', (request, reply, done) => {
      if (!request.url.startsWith('/_canon')) return done();
      reply.hijack();
      handler(request.raw, reply.raw);
    });
    app.post('/other', async () => 'app');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await check(url, handler);
    } finally {
      await app.close();
    }
  });

  it('Hono on @hono/node-server: the node request and response from c.env', async () => {
    const handler = createConsole({ canon });
    const app = new Hono<{ Bindings: HttpBindings }>();
    app.all('/_canon/*', (c) => {
      handler(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    });
    app.all('/_canon', (c) => {
      handler(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    });
    const server = await new Promise<http.Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
    });
    const port = (server.address() as { port: number }).port;
    try {
      await check(`http://127.0.0.1:${port}`, handler);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Koa: ctx.respond = false and the node objects', async () => {
    const handler = createConsole({ canon });
    const app = new Koa();
    app.use(async (ctx, next) => {
      if (!ctx.path.startsWith('/_canon')) return next();
      ctx.respond = false;
      handler(ctx.req, ctx.res);
    });
    const { url, close } = await listen(http.createServer(app.callback()));
    try {
      await check(url, handler);
    } finally {
      await close();
    }
  });
});

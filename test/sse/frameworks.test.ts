import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseHub } from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { collect } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Connects an EventSource, receives a published event, disconnects, and checks cleanup. */
async function roundTrip(hub: ReturnType<typeof createSseHub>, url: string) {
  const client = collect(`${url}/events?user=u_1`, ['order.placed']);
  cleanups.push(() => client.source.close());
  await client.opened;
  await waitFor(() => hub.stats().clients === 1);
  const id = hub.publish('orders', { event: 'order.placed', data: { id: 'o_1' } });
  hub.publishToUser('u_1', { event: 'order.placed', data: { id: 'o_2' } });
  await waitFor(() => client.received.length === 2);
  expect(client.received).toEqual([
    { type: 'order.placed', data: '{"id":"o_1"}', lastEventId: id },
    { type: 'order.placed', data: '{"id":"o_2"}', lastEventId: String(Number(id) + 1) },
  ]);
  client.source.close();
  await waitFor(() => hub.stats().clients === 0, 10_000, 'the disconnect to be seen');
  expect(hub.stats()).toMatchObject({ channels: 0, users: 0 });
}

function hubFor() {
  const hub = createSseHub();
  cleanups.push(() => hub.close());
  return hub;
}

const userOf = (query: string | undefined) => query ?? undefined;

describe('canon/sse framework wiring', () => {
  it('Express: hub.connect(req, res)', async () => {
    const hub = hubFor();
    const app = express();
    app.get('/events', (req, res) => {
      hub.connect(req, res, { channels: ['orders'], userId: userOf(req.query.user as string) });
    });
    const server = await listen(app.listen(0, '127.0.0.1'));
    cleanups.push(() => server.close());
    await roundTrip(hub, server.url);
  });

  it('Fastify: reply.hijack() and hub.connect(request.raw, reply.raw)', async () => {
    const hub = hubFor();
    const app = Fastify({ forceCloseConnections: true });
    app.get<{ Querystring: { user?: string } }>('/events', (request, reply) => {
      reply.hijack();
      hub.connect(request.raw, reply.raw, { channels: ['orders'], userId: userOf(request.query.user) });
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    await roundTrip(hub, url);
  });

  it('Koa: ctx.respond = false and hub.connect(ctx.req, ctx.res)', async () => {
    const hub = hubFor();
    const app = new Koa();
    app.use((ctx) => {
      if (ctx.path !== '/events') return;
      ctx.respond = false;
      hub.connect(ctx.req, ctx.res, { channels: ['orders'], userId: userOf(ctx.query.user as string) });
    });
    const server = await listen(http.createServer(app.callback()));
    cleanups.push(() => server.close());
    await roundTrip(hub, server.url);
  });

  it('Hono on @hono/node-server: return hub.response(c.req.raw)', async () => {
    const hub = hubFor();
    const app = new Hono();
    app.get('/events', (c) => hub.response(c.req.raw, { channels: ['orders'], userId: c.req.query('user') }));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    cleanups.push(
      () =>
        new Promise((resolve) => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(resolve);
        }),
    );
    const { port } = server.address() as AddressInfo;
    await roundTrip(hub, `http://127.0.0.1:${port}`);
  });
});

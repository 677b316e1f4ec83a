/**
 * When a client leaves before the route answers (a sender's timeout), the replay key is
 * kept if the route goes on to succeed, and released only if it answers >= 400 or throws:
 * on every helper, on real servers, with clients that really close their sockets.
 */
import http, { type ServerResponse } from 'node:http';
import net from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { canonFastify } from '../../src/frameworks/fastify/index.js';
import { canonHono } from '../../src/frameworks/hono/index.js';
import { type Canon, createCanon, memorySink } from '../../src/index.js';
import { webhookExpress } from '../../src/webhooks/express/index.js';
import { webhookFastify } from '../../src/webhooks/fastify/index.js';
import { webhookHono } from '../../src/webhooks/hono/index.js';
import { memoryReplayStore, type ReplayStore } from '../../src/webhooks/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ type: 'order.placed', data: { order_id: 'o_1' } });

/** What the route does once its client has left: answer this status, or throw. */
type Outcome = 200 | 500 | 'throw';

/**
 * The route of every app: records the run, waits (slow on purpose) until its client has
 * gone when `slow`, then answers `outcome`; `done` counts the routes that got that far.
 */
interface Route {
  runs: string[];
  done: number;
  slow: boolean;
  outcome: Outcome;
}

async function finish(route: Route, id: string, gone: Promise<unknown>): Promise<number> {
  route.runs.push(id);
  if (route.slow) await gone;
  route.done++;
  if (route.outcome === 'throw') throw new Error('handler failed');
  return route.outcome;
}

const closed = (res: ServerResponse) => new Promise((resolve) => res.once('close', resolve));

type Build = (canon: Canon, replay: ReplayStore, route: Route) => Promise<{ url: string; close(): Promise<void> }>;

const frameworks: [string, Build][] = [
  [
    'express',
    async (canon, replay, route) => {
      const app = express();
      app.use(canonExpress(canon));
      app.post('/hook', webhookExpress({ secret, replay }), async (req, res) => {
        res.status(await finish(route, req.webhook!.id!, closed(res))).json({ ok: true });
      });
      app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ failed: true });
      });
      return listen(http.createServer(app));
    },
  ],
  [
    'fastify',
    async (canon, replay, route) => {
      const app = Fastify();
      await app.register(canonFastify, { canon });
      app.post('/hook', { ...webhookFastify({ secret, replay }) }, async (request, reply) => {
        return reply.code(await finish(route, request.webhook!.id!, closed(reply.raw))).send({ ok: true });
      });
      await app.ready();
      return listen(app.server);
    },
  ],
  [
    'hono',
    async (canon, replay, route) => {
      const app = new Hono<{ Bindings: { outgoing: ServerResponse } }>();
      app.use(canonHono(canon));
      app.post('/hook', webhookHono({ secret, replay }), async (c) => {
        const status = await finish(route, c.get('webhook').id!, closed(c.env.outgoing));
        return c.json({ ok: true }, status as 200);
      });
      app.onError((_err, c) => c.json({ failed: true }, 500));
      return listen(createAdaptorServer({ fetch: app.fetch }) as http.Server);
    },
  ],
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function signed(id: string) {
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/**
 * Sends `headers` + body on a raw socket and closes it as soon as `leave()` says so (the
 * route has started) or an answer arrives; resolves with what came back (maybe nothing).
 */
function sendAndLeave(url: string, headers: Record<string, string>, leave: () => boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
      socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      const lines = Object.entries({ ...headers, host: '127.0.0.1', 'content-length': String(body.length) });
      socket.write(`POST /hook HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
      void waitFor(() => leave() || socket.destroyed, 10_000, 'the route to start').then(() => socket.destroy());
    });
  });
}

/** A memory replay store that also records the keys released. */
function recordingStore(): ReplayStore & { released: string[] } {
  const store = memoryReplayStore();
  const released: string[] = [];
  return {
    released,
    claim: (key, ttlSec) => store.claim(key, ttlSec),
    async release(key) {
      await store.release(key);
      released.push(key);
    },
  };
}

describe.each(frameworks)('%s helper: replay key and clients that leave', (_name, build) => {
  async function start() {
    const sink = memorySink();
    const replay = recordingStore();
    const route: Route = { runs: [], done: 0, slow: true, outcome: 200 };
    const app = await build(createCanon({ service: 'receiver', sinks: [sink], handleExit: false }), replay, route);
    closers.push(app.close);
    return { sink, replay, route, url: app.url };
  }

  it('the same message sent 5 times, each time abandoned: the route that will succeed runs once', async () => {
    const { sink, replay, route, url } = await start();
    const headers = signed('msg_abandoned');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const started = route.runs.length;
      const answer = await sendAndLeave(url, headers, () => route.runs.length > started);
      if (attempt > 1) expect(answer).toMatch(/^HTTP\/1\.1 409 /);
      await waitFor(() => sink.events.length === attempt, 10_000, 'the server to see the client leave');
    }
    await waitFor(() => route.done === 1, 10_000, 'the first route to answer');
    const again = await fetch(`${url}/hook`, { method: 'POST', headers, body });
    expect(again.status).toBe(409);
    expect(route.runs).toEqual(['msg_abandoned']);
    expect(replay.released).toEqual([]);
  });

  it.each([500, 'throw'] as const)(
    'a route that answers %s after its client left releases the key: the retry runs',
    async (outcome) => {
      const { replay, route, url } = await start();
      route.outcome = outcome;
      const headers = signed(`msg_failed_${outcome}`);
      await sendAndLeave(url, headers, () => route.runs.length === 1);
      await waitFor(() => replay.released.length === 1, 10_000, 'the key released');
      Object.assign(route, { slow: false, outcome: 200 });
      const retry = await fetch(`${url}/hook`, { method: 'POST', headers, body });
      expect(retry.status).toBe(200);
      expect(route.runs).toEqual([`msg_failed_${outcome}`, `msg_failed_${outcome}`]);
    },
  );
});

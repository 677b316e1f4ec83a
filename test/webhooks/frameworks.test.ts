/**
 * The receiving helpers on real servers (Express, Fastify, Hono on 127.0.0.1), each behind
 * Canon's own adapter so the wide event of the request can be checked.
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { canonFastify } from '../../src/frameworks/fastify/index.js';
import { canonHono } from '../../src/frameworks/hono/index.js';
import { type Canon, createCanon, memorySink } from '../../src/index.js';
import { webhookExpress } from '../../src/webhooks/express/index.js';
import { webhookFastify } from '../../src/webhooks/fastify/index.js';
import { webhookHono } from '../../src/webhooks/hono/index.js';
import type { ReceivedWebhook, ReceiveWebhookOptions } from '../../src/webhooks/index.js';
import { listen } from '../helpers/http.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ type: 'order.placed', data: { order_id: 'o_1' } });

interface App {
  url: string;
  close(): Promise<void>;
}

/** The route's handler: records the webhook, answers `status()`. */
interface Handler {
  seen: ReceivedWebhook[];
  bodies: unknown[];
  status: number;
}

type Build = (canon: Canon, options: ReceiveWebhookOptions, handler: Handler) => Promise<App>;

const frameworks: [string, Build][] = [
  [
    'express',
    async (canon, options, handler) => {
      const app = express();
      app.use(canonExpress(canon));
      app.post('/hook', webhookExpress(options), (req, res) => {
        handler.seen.push(req.webhook!);
        handler.bodies.push(req.body);
        res.status(handler.status).json({ ok: true });
      });
      return listen(app.listen(0, '127.0.0.1') as Server);
    },
  ],
  [
    'fastify',
    async (canon, options, handler) => {
      const app = Fastify();
      await app.register(canonFastify, { canon });
      app.post('/hook', { ...webhookFastify(options) }, async (request, reply) => {
        handler.seen.push(request.webhook!);
        handler.bodies.push(request.body);
        reply.code(handler.status);
        return { ok: true };
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  ],
  [
    'hono',
    async (canon, options, handler) => {
      const app = new Hono();
      app.use(canonHono(canon));
      app.post('/hook', webhookHono(options), async (c) => {
        handler.seen.push(c.get('webhook'));
        handler.bodies.push(await c.req.json());
        return c.json({ ok: true }, handler.status as 200);
      });
      return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
    },
  ],
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(build: Build, options: ReceiveWebhookOptions) {
  const sink = memorySink();
  const canon = createCanon({ service: 'receiver', sinks: [sink], handleExit: false });
  const handler: Handler = { seen: [], bodies: [], status: 200 };
  const app = await build(canon, options, handler);
  closers.push(app.close);
  async function post(headers: Record<string, string>, payload = body) {
    const response = await fetch(`${app.url}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
    });
    const text = await response.text();
    await canon.flush();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      event: sink.events.at(-1) as any,
    };
  }
  return { post, handler };
}

function signed(id = `msg_${Math.random().toString(36).slice(2)}`, at = new Date(), payload = body) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, payload),
  };
}

describe.each(frameworks)('%s helper', (_name, build) => {
  it('verifies the raw body, hands the payload to the route and records the webhook on the wide event', async () => {
    const { post, handler } = await start(build, { secret });
    const headers = signed('msg_ok');
    const response = await post(headers);
    expect(response.status).toBe(200);
    expect(handler.seen).toEqual([
      { provider: 'standard', id: 'msg_ok', type: 'order.placed', payload: JSON.parse(body) },
    ]);
    expect(handler.bodies).toEqual([JSON.parse(body)]);
    expect(response.event.webhook).toEqual({
      provider: 'standard',
      id: 'msg_ok',
      type: 'order.placed',
      verified: true,
    });
  });

  it('answers 401 BAD_SIGNATURE for a tampered body and 400 MISSING_HEADER without headers; the route never runs', async () => {
    const { post, handler } = await start(build, { secret });
    const tampered = await post(signed('msg_t'), body.replace('o_1', 'o_2'));
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('BAD_SIGNATURE');
    expect(tampered.event.webhook).toEqual({
      provider: 'standard',
      id: 'msg_t',
      verified: false,
      error_code: 'BAD_SIGNATURE',
    });
    expect(tampered.event.status_code).toBe(401);
    const missing = await post({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('MISSING_HEADER');
    const stale = await post(signed('msg_s', new Date(Date.now() - 600_000)));
    expect([stale.status, stale.body.error.code]).toEqual([401, 'STALE_TIMESTAMP']);
    expect(handler.seen).toEqual([]);
  });

  it('refuses a replay with 409 REPLAYED, but accepts the retry of a message whose handling failed', async () => {
    const { post, handler } = await start(build, { secret });
    const headers = signed('msg_once');
    expect((await post(headers)).status).toBe(200);
    const replay = await post(headers);
    expect([replay.status, replay.body.error.code]).toEqual([409, 'REPLAYED']);
    expect(replay.event.webhook).toMatchObject({ id: 'msg_once', verified: true, error_code: 'REPLAYED' });

    handler.status = 500;
    const failing = signed('msg_retry');
    expect((await post(failing)).status).toBe(500);
    handler.status = 200; // the key was given back as the route answered, before the response went out
    expect((await post(failing)).status).toBe(200);
    expect(handler.seen.map((w) => w.id)).toEqual(['msg_once', 'msg_retry', 'msg_retry']);
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const { post } = await start(build, { secret, maxBodyBytes: 64 });
    const large = JSON.stringify({ type: 'x.y', data: 'z'.repeat(100) });
    const response = await post(signed('msg_big', new Date(), large), large);
    expect([response.status, response.body.error.code]).toEqual([413, 'BAD_PAYLOAD']);
  });

  it('verifies Stripe signatures made by the stripe package and dedupes by event id', async () => {
    const stripeSecret = 'whsec_canon_stripe_test';
    const { post, handler } = await start(build, { provider: 'stripe', secret: stripeSecret });
    const event = JSON.stringify({ id: 'evt_123', object: 'event', type: 'invoice.paid' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
      payload: event,
      secret: stripeSecret,
    });
    const ok = await post({ 'stripe-signature': header }, event);
    expect(ok.status).toBe(200);
    expect(handler.seen[0]).toMatchObject({ provider: 'stripe', id: 'evt_123', type: 'invoice.paid' });
    expect(ok.event.webhook).toEqual({
      provider: 'stripe',
      id: 'evt_123',
      type: 'invoice.paid',
      verified: true,
    });
    expect((await post({ 'stripe-signature': header }, event)).body.error.code).toBe('REPLAYED');
    expect((await post({ 'stripe-signature': header }, event.replace('123', '124'))).body.error.code).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('verifies GitHub-style HMAC signatures with the delivery id and event headers; replays refused by signature', async () => {
    const { post, handler } = await start(build, { provider: 'hmac', secret: 'gh-secret' });
    const signature = `sha256=${createHmac('sha256', 'gh-secret').update(body).digest('hex')}`;
    const headers = {
      'x-hub-signature-256': signature,
      'x-github-delivery': 'd-1',
      'x-github-event': 'push',
    };
    expect((await post(headers)).status).toBe(200);
    expect(handler.seen[0]).toMatchObject({ provider: 'hmac', id: 'd-1', type: 'push' });
    expect((await post(headers)).status).toBe(409);
    // the delivery id header is not signed: changing or dropping it does not get a replay in
    const renamed = await post({ ...headers, 'x-github-delivery': 'd-2' });
    expect([renamed.status, renamed.body.error.code]).toEqual([409, 'REPLAYED']);
    const { 'x-github-delivery': _dropped, ...withoutId } = headers;
    expect((await post(withoutId)).status).toBe(409);
    // other spellings of the same signature verify too, and are the same message
    const upper = `sha256=${signature.slice(7).toUpperCase()}`;
    expect((await post({ ...headers, 'x-hub-signature-256': upper })).status).toBe(409);
    expect(handler.seen).toHaveLength(1);
    expect((await post({ ...headers, 'x-hub-signature-256': 'sha256=00' })).status).toBe(401);
  });
});

describe('helper options', () => {
  it.each([
    [{}, /`secret`/],
    [{ secret: 'plain' }, /`secret`: expected a Standard Webhooks secret/],
    [{ secret, provider: 'github' }, /`provider`/],
    [{ secret, toleranceSec: 0 }, /`toleranceSec`/],
    [{ secret, replay: {} }, /`replay`/],
    [{ secret, maxBodyBytes: 0 }, /`maxBodyBytes`/],
    [{ secret, hmac: { header: 'bad header' } }, /`hmac.header`/],
    [{ secret, hmac: { algorithm: 'md7' } }, /`hmac.algorithm`/],
    [{ secret, colour: 'red' }, /`colour`/],
  ])('refuses %j when the helper is created', (options, message) => {
    for (const helper of [webhookExpress, webhookFastify, webhookHono]) {
      expect(() => helper(options as never)).toThrow(message);
    }
  });

  it('Express: a JSON parser that already consumed the body is a clear server error', async () => {
    const app = express();
    app.post('/hook', express.json(), webhookExpress({ secret }), (_req, res) => void res.sendStatus(200));
    let error: unknown;
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      error = err;
      res.sendStatus(500);
    });
    const { url, close } = await listen(app.listen(0, '127.0.0.1') as Server);
    closers.push(close);
    const response = await fetch(`${url}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed() },
      body,
    });
    expect(response.status).toBe(500);
    expect(String(error)).toMatch(/invalid option `body`: expected the raw body/);
  });

  it('Express: works after express.raw() for the route', async () => {
    const app = express();
    app.post(
      '/hook',
      express.raw({ type: '*/*' }),
      webhookExpress({ secret }),
      (req, res) => void res.json(req.body),
    );
    const { url, close } = await listen(app.listen(0, '127.0.0.1') as Server);
    closers.push(close);
    const response = await fetch(`${url}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed() },
      body,
    });
    expect(await response.json()).toEqual(JSON.parse(body));
  });
});

/**
 * @module canon/webhooks/hono
 * `webhookHono(options)`: route middleware that verifies the raw body (Standard
 * Webhooks, Stripe or generic HMAC), refuses replays and answers `400`/`401`/`409`
 * `{ error: { code, message } }` on failure. On success `c.get('webhook')` is
 * `{ provider, id, type, payload }` (and `c.req.json()` still works); the wide event gets
 * `webhook: { provider, id, type, verified }`. Hono is only imported for its types.
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { getWideEvent } from '../../core/context.js';
import { bodyTooLarge, CLOSE_CONNECTION, checkDeclaredLength, readWebBody } from '../body-limit.js';
import { WebhookVerificationError } from '../errors.js';
import { createReceiver, type ReceivedWebhook, refusalBody } from '../receive.js';
import type { ReceiveWebhookOptions } from '../receive-options.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The verified webhook of this request (`webhookHono`). */
    webhook: ReceivedWebhook;
  }
}

function refusal(c: Context, error: WebhookVerificationError): Response {
  return c.body(refusalBody(error), error.status as ContentfulStatusCode, {
    'content-type': 'application/json; charset=utf-8',
    ...(error.status === 413 ? CLOSE_CONNECTION : {}),
  });
}

/**
 * The raw body, read up to `limit` bytes. Hono's body cache gets it, so `c.req.json()`
 * still works in the route; a body an earlier middleware already read comes from that cache.
 */
async function rawBody(c: Context, limit: number): Promise<Buffer> {
  const cache = c.req.bodyCache as Record<string, Promise<unknown> | undefined>;
  if (Object.keys(cache).length > 0) {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > limit) throw bodyTooLarge(limit);
    return body;
  }
  checkDeclaredLength(c.req.header('content-length'), limit);
  const body = await readWebBody(c.req.raw.body, limit);
  const bytes = body.buffer.slice(body.byteOffset, body.byteOffset + body.length);
  cache.arrayBuffer = Promise.resolve(bytes);
  return body;
}

/**
 * Middleware that verifies webhooks on one route.
 *
 * @example
 * app.post('/webhooks', webhookHono({ secret: process.env.WEBHOOK_SECRET }), (c) => {
 *   const { type, payload } = c.get('webhook');
 *   return c.body(null, 204);
 * });
 */
export function webhookHono(options: ReceiveWebhookOptions): MiddlewareHandler {
  const receiver = createReceiver(options, 'webhookHono');
  const limit = receiver.maxBodyBytes;
  return async function canonWebhookHono(c: Context, next: Next) {
    let webhook: ReceivedWebhook;
    try {
      const body = await rawBody(c, limit);
      webhook = await receiver.accept(body, c.req.raw.headers, getWideEvent());
    } catch (err) {
      if (err instanceof WebhookVerificationError) return refusal(c, err);
      throw err;
    }
    c.set('webhook', webhook);
    let ok = false;
    try {
      await next();
      ok = c.error === undefined && c.res.status < 400;
    } finally {
      receiver.settle(webhook, ok);
    }
  };
}

export { WebhookVerificationError } from '../errors.js';
export type { ReceivedWebhook } from '../receive.js';
export type { HmacProviderOptions, ReceiveWebhookOptions, WebhookProvider } from '../receive-options.js';

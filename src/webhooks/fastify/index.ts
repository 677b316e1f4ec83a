/**
 * @module canon/webhooks/fastify
 * `webhookFastify(options)`: route hooks that keep the raw body of one route (Fastify
 * still parses it as usual), verify it (Standard Webhooks, Stripe or generic HMAC),
 * refuse replays and answer `400`/`401`/`409` `{ error: { code, message } }` on failure.
 * On success `request.webhook` is `{ provider, id, type, payload }` and the wide event gets
 * `webhook: { provider, id, type, verified }`. Fastify is only imported for its types.
 */
import { Readable } from 'node:stream';
import type { onSendHookHandler, preHandlerHookHandler, preParsingHookHandler } from 'fastify';
import { getWideEvent } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { WebhookVerificationError } from '../errors.js';
import { CLOSE_CONNECTION } from '../body-limit.js';
import { JSON_CONTENT_TYPE, readRawBody } from '../node-http.js';
import { createReceiver, type ReceivedWebhook, refusalBody } from '../receive.js';
import type { ReceiveWebhookOptions } from '../receive-options.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified webhook of this request (`webhookFastify`). */
    webhook?: ReceivedWebhook;
  }
}

/** Route options to spread into a route: `{ preParsing, preHandler, onSend }`. */
export interface WebhookFastifyHooks {
  preParsing: preParsingHookHandler;
  preHandler: preHandlerHookHandler;
  onSend: onSendHookHandler;
}

const kRawBody = Symbol('canon.webhook.rawBody');
type Holder = { [kRawBody]?: Buffer; canon?: WideEvent };

/**
 * Hooks that verify webhooks on one route.
 *
 * @example
 * app.post('/webhooks', { ...webhookFastify({ secret: process.env.WEBHOOK_SECRET }) }, async (request) => {
 *   await handle(request.webhook!.type, request.body);
 *   return { received: true };
 * });
 */
export function webhookFastify(options: ReceiveWebhookOptions): WebhookFastifyHooks {
  const receiver = createReceiver(options, 'webhookFastify');
  return {
    async preParsing(request, reply, payload) {
      let raw: Buffer;
      try {
        raw = await readRawBody(payload, request.headers, receiver.maxBodyBytes);
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        reply.code(err.status).headers({ 'content-type': JSON_CONTENT_TYPE, ...CLOSE_CONNECTION });
        reply.send(refusalBody(err));
        return; // a sent reply ends the request here
      }
      (request as unknown as Holder)[kRawBody] = raw;
      const replay = Readable.from(raw.length > 0 ? [raw] : []);
      return Object.assign(replay, { receivedEncodedLength: raw.length });
    },
    async preHandler(request, reply) {
      const holder = request as unknown as Holder;
      try {
        request.webhook = await receiver.accept(
          holder[kRawBody] ?? Buffer.alloc(0),
          request.headers,
          holder.canon ?? getWideEvent(),
        );
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        return reply.code(err.status).header('content-type', JSON_CONTENT_TYPE).send(refusalBody(err));
      }
    },
    // onSend, not onResponse: the route's answer (or its error's) is known here even when
    // the client left first, and then the response never finishes (onResponse never runs)
    async onSend(request, reply, payload) {
      if (request.webhook) receiver.settle(request.webhook, reply.statusCode < 400);
      return payload;
    },
  };
}

export { WebhookVerificationError } from '../errors.js';
export type { ReceivedWebhook } from '../receive.js';
export type { HmacProviderOptions, ReceiveWebhookOptions, WebhookProvider } from '../receive-options.js';

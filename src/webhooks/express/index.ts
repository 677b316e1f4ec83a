/**
 * @module canon/webhooks/express
 * `webhookExpress(options)`: route middleware that reads the raw body, verifies it
 * (Standard Webhooks, Stripe or generic HMAC), refuses replays, and answers
 * `400`/`401`/`409` `{ error: { code, message } }` on failure. On success `req.body` is the
 * parsed payload and `req.webhook` is `{ provider, id, type, payload }`; the wide event
 * gets `webhook: { provider, id, type, verified }`. Express itself is not imported.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getWideEvent } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { WebhookVerificationError } from '../errors.js';
import { readRawBody, sendRefusal } from '../node-http.js';
import { createReceiver, type ReceivedWebhook } from '../receive.js';
import type { ReceiveWebhookOptions } from '../receive-options.js';
import { bodyBytes } from '../verify-common.js';

declare global {
  namespace Express {
    interface Request {
      /** The verified webhook of this request (`webhookExpress`). */
      webhook?: ReceivedWebhook;
    }
  }
}

type WebhookRequest = IncomingMessage & { body?: unknown; canon?: WideEvent; webhook?: ReceivedWebhook };

/** The body as received: `express.raw()` may have read it already; a JSON parser must not have. */
function rawBody(req: WebhookRequest, limit: number): Promise<Buffer> {
  if (req.body === undefined && !req.readableEnded) return readRawBody(req, req.headers, limit);
  try {
    return Promise.resolve(bodyBytes(req.body));
  } catch (err) {
    return Promise.reject(err); // a parsed object: mount webhookExpress before express.json()
  }
}

/**
 * Calls `settle` with the status the route answers, when it ends the response. A client
 * that leaves first closes the response with no status yet (and it never finishes), so
 * the answer is taken from `end()` itself, whenever the route gets to it.
 */
function onAnswer(res: ServerResponse, settle: (status: number) => void): void {
  const end = res.end;
  let answered = false;
  res.end = function canonWebhookEnd(this: ServerResponse) {
    if (!answered) {
      answered = true;
      settle(this.statusCode);
    }
    // eslint-disable-next-line prefer-rest-params -- forward exactly what the caller passed
    return end.apply(this, arguments as never);
  } as ServerResponse['end'];
}

/**
 * Verifies webhooks on one route. Mount it on the route, before any JSON body parser
 * sees the request (or after `express.raw()`).
 *
 * @example
 * app.post('/webhooks/stripe', webhookExpress({ provider: 'stripe', secret: process.env.STRIPE_WEBHOOK_SECRET }), (req, res) => {
 *   if (req.webhook?.type === 'payment_intent.succeeded') markPaid(req.body.data.object.id);
 *   res.sendStatus(204);
 * });
 */
export function webhookExpress(options: ReceiveWebhookOptions) {
  const receiver = createReceiver(options, 'webhookExpress');
  return function canonWebhookExpress(
    req: WebhookRequest,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ): void {
    rawBody(req, receiver.maxBodyBytes)
      .then((body) => receiver.accept(body, req.headers, req.canon ?? getWideEvent()))
      .then(
        (webhook) => {
          req.webhook = webhook;
          req.body = webhook.payload;
          onAnswer(res, (status) => receiver.settle(webhook, status < 400));
          next();
        },
        (err) => (err instanceof WebhookVerificationError ? sendRefusal(res, err) : next(err)),
      );
  };
}

export { WebhookVerificationError } from '../errors.js';
export type { ReceivedWebhook } from '../receive.js';
export type { HmacProviderOptions, ReceiveWebhookOptions, WebhookProvider } from '../receive-options.js';

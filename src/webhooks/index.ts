/**
 * @module canon/webhooks
 * Webhooks both ways. Outgoing: endpoints with event filters and `whsec_` secrets,
 * durable fan-out inside your transaction, delivery with Standard Webhooks signatures,
 * a retry schedule, a delivery log, auto-disable and an SSRF guard, one wide event per
 * attempt. Incoming: verification of Standard Webhooks, Stripe and generic HMAC
 * signatures over the raw body, with replay stores (framework helpers live in
 * `canon/webhooks/express`, `canon/webhooks/fastify` and `canon/webhooks/hono`).
 *
 * @example
 * import pg from 'pg';
 * import { pgStore } from 'canon/outbox';
 * import { createWebhooks } from 'canon/webhooks';
 * const pool = new pg.Pool();
 * const webhooks = createWebhooks({ store: pgStore(pool) });
 * await webhooks.migrate();
 * const endpoint = await webhooks.endpoints.create({ url: 'https://example.com/hooks', events: ['order.*'] });
 * await webhooks.start();
 * await webhooks.send(createEvent(OrderPlaced, { order_id: 'o_1' }));
 */
export { CanonError } from '../core/errors.js';
export type { DeliveryAttempt, DeliveryFilter } from './delivery-log.js';
export type {
  CreateEndpointInput,
  EndpointPatch,
  Endpoints,
  RotateSecretOptions,
  WebhookEndpoint,
} from './endpoints.js';
export { type WebhookVerificationCode, WebhookVerificationError } from './errors.js';
export type { WebhooksOptions } from './options.js';
export type { ReceivedWebhook } from './receive.js';
export type { HmacProviderOptions, ReceiveWebhookOptions, WebhookProvider } from './receive-options.js';
export { type MemoryReplayStoreOptions, memoryReplayStore } from './replay/memory.js';
export { type PgReplayStore, type PgReplayStoreOptions, pgReplayStore } from './replay/pg.js';
export type { ReplayStore } from './replay/types.js';
export { DEFAULT_SCHEDULE } from './schedule.js';
export { generateSecret } from './secret.js';
export type { SendOptions, SendResult } from './send.js';
export { type SignWebhookOptions, signWebhook } from './sign.js';
export { type VerifyWebhookOptions, verifyWebhook } from './verify.js';
export type { HeaderInput, RawBody, WebhookHeaders } from './verify-common.js';
export { type VerifyHmacOptions, verifyHmac } from './verify-hmac.js';
export { type VerifyStripeOptions, verifyStripe } from './verify-stripe.js';
export {
  createWebhooks,
  type RedriveDeliveriesFilter,
  type WebhookStats,
  type Webhooks,
} from './webhooks.js';

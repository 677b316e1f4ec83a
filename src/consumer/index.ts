/**
 * @module canon/consumer
 * The consumer runtime shared by every broker: one wide event per message, retry with
 * backoff through the broker's native redelivery, dead-lettering after `maxAttempts`,
 * redrive, an idempotency inbox in the handler's transaction, bounded concurrency and a
 * graceful stop. Sources come from `canon/nats`, `canon/rabbitmq` and `canon/redis-streams`.
 *
 * @example
 * import pg from 'pg';
 * import { consume, pgInbox } from 'canon/consumer';
 * import { rabbitSource } from 'canon/rabbitmq';
 * const consumer = await consume({
 *   canon,
 *   source: rabbitSource({ channel, queue: 'billing', prefetch: 20 }),
 *   inbox: pgInbox(pool),
 *   concurrency: 10,
 *   handler: async (event, ctx) => {
 *     await ctx.tx.query('INSERT INTO invoices (order_id) VALUES ($1)', [event.data.order_id]);
 *   },
 * });
 */
export { CanonError } from '../core/errors.js';
export type { BackoffOptions } from '../outbox/queue/backoff.js';
export { type Consumer, type ConsumerStats, consume } from './consume.js';
export type { MessageResult } from './handle.js';
export type { Inbox, InboxOptions } from './inbox/inbox.js';
export { pgInbox } from './inbox/pg.js';
export { pgliteInbox } from './inbox/pglite.js';
export type { ConsumeOptions, MessageContext, MessageHandler, RetryOptions } from './options.js';
export { type RedriveOptions, redrive } from './redrive.js';
export type { DeadLetter, MessageSource, SourceMessage, SourcePolicy, Subscription } from './source.js';
export { WireHeaders } from './wire.js';

/**
 * The demo's back end behind the checkout: embedded PostgreSQL (PGlite, in memory), a
 * transactional outbox and outgoing webhooks. A paid checkout writes the order, its
 * `order.placed` event (outbox) and the webhook deliveries for it in one transaction.
 * The relay publishes committed events to a message broker (in-process here, see
 * broker.ts), where the fulfilment consumer handles them and tells the buyer over SSE.
 * Every step is a wide event in the checkout's trace: the outbox publish
 * (`kind: 'outbox'`), the consumed message (`kind: 'message'`), each webhook attempt
 * (`kind: 'webhook'`) and each live stream (`kind: 'sse'`).
 *
 * Things go wrong on purpose, so the console has something to show: the broker refuses
 * a few events for good (dead outbox rows), the warehouse rejects a few orders (dead
 * letters) and times out on others (retries), and the analytics receiver is down at
 * first (failed webhook deliveries, redriven once it is back).
 */
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';
import { type Consumer, consume, type MessageSource } from '../../src/consumer/index.js';
import { createEvent, defineEvent } from '../../src/events/index.js';
import type { Canon } from '../../src/index.js';
import { createOutbox, createRelay, type Outbox, pgliteStore } from '../../src/outbox/index.js';
import { createSseHub, type SseHub } from '../../src/sse/index.js';
import { createWebhooks, type WebhookEndpoint, type Webhooks } from '../../src/webhooks/index.js';
import { MemoryBroker } from './broker.js';

export const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  description: 'A customer paid for their cart',
  schema: z.object({ order_id: z.string(), user_id: z.string(), total_cents: z.number().int() }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Orders {
  place(order: { order_id: string; user_id: string; total_cents: number }): Promise<void>;
  readonly outbox: Outbox;
  readonly webhooks: Webhooks;
  readonly hub: SseHub;
  /** The fulfilment consumer's source (the console's Dead letters page redrives it). */
  readonly fulfilment: MessageSource;
  readonly endpoints: { crm: WebhookEndpoint; analytics: WebhookEndpoint };
  /** True once nothing is waiting anywhere (outbox, broker, webhooks). */
  idle(): Promise<boolean>;
  close(): Promise<void>;
}

/** Refused by the broker for good, now and then: the outbox parks it dead (see the Outbox page). */
function refuseSometimes(): void {
  if (Math.random() < 0.06)
    throw Object.assign(new Error('broker refused the message: topic quota exceeded'), { retriable: false });
}

/** The warehouse: usually fine, sometimes slow to answer (retried), sometimes rejects the order (dead letter). */
async function reserveStock(orderId: string): Promise<void> {
  await sleep(5 + Math.random() * 25);
  const roll = Math.random();
  if (roll < 0.07)
    throw Object.assign(new Error(`warehouse rejected ${orderId}: address not deliverable`), { retriable: false });
  if (roll < 0.17) throw new Error('warehouse API timed out');
}

/** Opens the in-memory database, migrates it and starts the relay, the consumer and the webhook worker. */
export async function openOrders(canon: Canon, receiverUrl: string): Promise<Orders> {
  const db = new PGlite();
  await db.exec('CREATE TABLE orders (id text PRIMARY KEY, user_id text NOT NULL, total_cents int NOT NULL)');
  const store = pgliteStore(db);
  const outbox = createOutbox({ store });
  await outbox.migrate();
  const webhooks = createWebhooks({ store, canon, schedule: [0, 300, 1_000], allowPrivateNetworks: true });
  await webhooks.migrate();
  const crm = await webhooks.endpoints.create({ url: `${receiverUrl}/hooks/crm`, events: ['order.*'] });
  const analytics = await webhooks.endpoints.create({ url: `${receiverUrl}/hooks/analytics`, events: ['order.placed'] });
  const hub = createSseHub({ canon, heartbeatMs: 5_000 });

  const broker = new MemoryBroker();
  const fulfilment = broker.source('order.placed', 'fulfilment');
  const publish = broker.publisher();
  const relay = createRelay({
    outbox,
    canon,
    pollIntervalMs: 250,
    maxAttempts: 3,
    backoff: { baseMs: 100, maxMs: 1_000 },
    publish: (event, context) => {
      refuseSometimes();
      return publish(event, context);
    },
  });
  await relay.start();
  const consumer: Consumer = await consume({
    canon,
    source: fulfilment,
    concurrency: 4,
    retry: { maxAttempts: 3, backoff: { baseMs: 100, maxMs: 500 } },
    events: [OrderPlaced],
    handler: async (event, ctx) => {
      const order = OrderPlaced.read(event).data;
      await reserveStock(order.order_id);
      ctx.canon.set('fulfilment.warehouse', 'ams-1');
      hub.publishToUser(order.user_id, { event: 'order.fulfilled', data: { order_id: order.order_id } });
    },
  });
  await webhooks.start();

  return {
    outbox,
    webhooks,
    hub,
    fulfilment,
    endpoints: { crm, analytics },
    async place(order) {
      const event = createEvent(OrderPlaced, order);
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO orders (id, user_id, total_cents) VALUES ($1, $2, $3)', [
          order.order_id,
          order.user_id,
          order.total_cents,
        ]);
        await outbox.enqueue(tx, event, { key: order.user_id });
        await webhooks.send(event, { tx });
      });
    },
    async idle() {
      const [box, hooks] = await Promise.all([outbox.stats(), webhooks.stats()]);
      return box.pending + box.in_flight + hooks.pending + hooks.in_flight + broker.backlog === 0;
    },
    async close() {
      await relay.stop();
      await consumer.stop();
      await webhooks.stop();
      await hub.close();
      await db.close();
    },
  };
}

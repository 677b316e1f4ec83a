/**
 * The demo's order store: embedded PostgreSQL (PGlite, in memory) with a transactional
 * outbox. A checkout writes the order and its `order.placed` event in one transaction; a
 * relay publishes committed events to an in-process bus, where the receipt mailer runs.
 * Each publish attempt is its own wide event (`kind: 'outbox'`) carrying the checkout
 * request's correlation id.
 */
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';
import { createEvent, defineEvent, EventBus } from '../../src/events/index.js';
import { type Canon, getWideEvent } from '../../src/index.js';
import { busPublisher, createOutbox, createRelay, pgliteStore } from '../../src/outbox/index.js';

export const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  description: 'A customer paid for their cart',
  schema: z.object({ order_id: z.string(), user_id: z.string(), total_cents: z.number().int() }),
});

export interface Orders {
  place(order: { order_id: string; user_id: string; total_cents: number }): Promise<void>;
  close(): Promise<void>;
}

/** Opens the in-memory database, migrates it and starts the relay. */
export async function openOrders(canon: Canon): Promise<Orders> {
  const db = new PGlite();
  await db.exec('CREATE TABLE orders (id text PRIMARY KEY, user_id text NOT NULL, total_cents int NOT NULL)');
  const outbox = createOutbox({ store: pgliteStore(db) });
  await outbox.migrate();

  const bus = new EventBus();
  bus.on(OrderPlaced, async function sendReceipt(event) {
    await new Promise((resolve) => setTimeout(resolve, 5)); // a pretend mail API
    getWideEvent()?.enrich({ receipt: { order_id: event.data.order_id, channel: 'email' } });
  });
  const relay = createRelay({ outbox, publish: busPublisher(bus), canon, pollIntervalMs: 250 });
  await relay.start();

  return {
    async place(order) {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO orders (id, user_id, total_cents) VALUES ($1, $2, $3)', [
          order.order_id,
          order.user_id,
          order.total_cents,
        ]);
        await outbox.enqueue(tx, createEvent(OrderPlaced, order), { key: order.user_id });
      });
    },
    async close() {
      await relay.stop();
      await db.close();
    },
  };
}

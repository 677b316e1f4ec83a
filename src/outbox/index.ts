/**
 * @module canon/outbox
 * The transactional outbox: `enqueue` events in the same transaction as the business
 * change, and a relay publishes them afterwards, at least once, in order per key, with
 * retries, dead-lettering and redrive. Stores for node-postgres and embedded PGlite.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * import { EventBus, createEvent } from 'canon/events';
 * import { busPublisher, createOutbox, createRelay, pgliteStore } from 'canon/outbox';
 * const db = new PGlite();
 * const outbox = createOutbox({ store: pgliteStore(db) });
 * await outbox.migrate();
 * const bus = new EventBus();
 * const relay = createRelay({ outbox, publish: busPublisher(bus) });
 * await relay.start();
 * await db.transaction((tx) => outbox.enqueue(tx, createEvent(OrderPlaced, { order_id: 'o_1' })));
 */
export { CanonError } from '../core/errors.js';
export { type BusPublisherOptions, busPublisher } from './bus-publisher.js';
export type { EnqueueEntry, EnqueueOptions } from './enqueue.js';
export {
  createOutbox,
  type Outbox,
  type OutboxOptions,
  type OutboxStats,
  type RedriveFilter,
} from './outbox.js';
export type { BackoffOptions } from './queue/backoff.js';
export { createRelay, type Relay } from './relay.js';
export type { PublishContext, Publisher, RelayOptions } from './relay-options.js';
export { pgStore } from './store/pg.js';
export { pgliteStore } from './store/pglite.js';
export type { OutboxStore, Queryable, SqlResult, Unlisten } from './store/types.js';

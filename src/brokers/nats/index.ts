/**
 * @module canon/nats
 * NATS JetStream for Canon: `natsPublisher` (a relay publisher, deduplicated by event id)
 * and `natsSource` (a durable pull consumer for `canon/consumer`'s `consume`). Retries use
 * `nak` with a delay and the durable's `max_deliver`; dead letters go to `<stream>.dlq`,
 * kept in the stream `<stream>_DLQ`. The `nats` package (v2) is an optional peer.
 *
 * @example
 * import { connect } from 'nats';
 * import { consume } from 'canon/consumer';
 * import { natsPublisher, natsSource } from 'canon/nats';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * const js = nc.jetstream();
 * const relay = createRelay({ outbox, publish: natsPublisher({ js, stream: 'ORDERS', subject: (e) => `ORDERS.${e.type}` }) });
 * await consume({ canon, source: natsSource({ js, stream: 'ORDERS', durable: 'billing' }), handler });
 */
export { type NatsPublisherOptions, natsPublisher } from './publisher.js';
export { type NatsSourceOptions, natsSource } from './source.js';

/**
 * @module canon/rabbitmq
 * RabbitMQ for Canon: `rabbitPublisher` (a relay publisher on a confirm channel) and
 * `rabbitSource` (a queue consumer for `canon/consumer`'s `consume`). Retries wait in
 * per-attempt delay queues `<queue>.retry.<n>`; dead letters go to `<queue>.dlq`. The
 * `amqplib` package is an optional peer.
 *
 * @example
 * import amqp from 'amqplib';
 * import { consume } from 'canon/consumer';
 * import { rabbitPublisher, rabbitSource } from 'canon/rabbitmq';
 * const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
 * const channel = await connection.createConfirmChannel();
 * const relay = createRelay({ outbox, publish: rabbitPublisher({ channel, exchange: 'orders' }) });
 * await consume({ canon, source: rabbitSource({ channel, queue: 'billing', bindings: [{ exchange: 'orders' }] }), handler });
 */
export { type RabbitPublisherOptions, rabbitPublisher } from './publisher.js';
export { type RabbitBinding, type RabbitSourceOptions, rabbitSource } from './source.js';

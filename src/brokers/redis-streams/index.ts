/**
 * @module canon/redis-streams
 * Redis Streams for Canon: `redisStreamsPublisher` (a relay publisher, `XADD`) and
 * `redisStreamsSource` (a consumer group for `canon/consumer`'s `consume`). Failed entries
 * stay pending and are claimed again after their backoff; entries of a consumer that died
 * are taken over with `XAUTOCLAIM`; dead letters go to `<stream>:dlq`. The `ioredis`
 * package is an optional peer.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { consume } from 'canon/consumer';
 * import { redisStreamsPublisher, redisStreamsSource } from 'canon/redis-streams';
 * const client = new Redis('redis://127.0.0.1:6379');
 * const relay = createRelay({ outbox, publish: redisStreamsPublisher({ client, stream: 'orders' }) });
 * await consume({ canon, source: redisStreamsSource({ client, stream: 'orders', group: 'billing', consumer: 'billing-1' }), handler });
 */
export { type RedisStreamsPublisherOptions, redisStreamsPublisher } from './publisher.js';
export { type RedisStreamsSourceOptions, redisStreamsSource } from './source.js';

/**
 * @module canon/sse
 * Server-sent events: a hub with channels, per-user delivery and filters, heartbeats,
 * `Last-Event-ID` replay, slow-client limits, cleanup on disconnect, one wide event per
 * connection, and Redis or PostgreSQL backplanes for several instances.
 *
 * @example
 * import { createSseHub } from 'canon/sse';
 * const hub = createSseHub({ canon });
 * app.get('/events', (req, res) => hub.connect(req, res, { channels: ['news'] }));
 * hub.publish('news', { event: 'story.published', data: { id: 's_1' } });
 */
export { backplaneErrorChannel, type SseBackplane, type SseBackplaneListener } from './backplane.js';
export { type BusLike, type BusToSseOptions, busToSse } from './bus-to-sse.js';
export type { SseConnectOptions } from './connect-options.js';
export type { SseClient } from './connection.js';
export { SSE_HEADERS } from './endpoints.js';
export { createSseHub } from './hub.js';
export type { SseChannelMessage, SseHub, SseHubStats } from './hub-types.js';
export type { SseFilterMessage, SseMessage } from './message.js';
export type { SseHubOptions } from './options.js';
export {
  type PgBackplaneOptions,
  type PgClientLike,
  type PgPoolLike,
  pgBackplane,
} from './pg-backplane.js';
export { type RedisBackplaneOptions, redisBackplane } from './redis-backplane.js';
export type { IoRedisLike, NodeRedisLike, RedisLike } from './redis-client.js';

/**
 * @module canon/redis
 * Cache tracking for Redis: `trackRedis(client)` (ioredis or node-redis) records every
 * command issued inside a unit of work on its wide event as `cache: { hits, misses,
 * commands, total_ms, error_count }`. Outside a unit of work the client behaves and costs
 * as before.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { type IoredisLike, trackIoredis } from './ioredis.js';
import { type NodeRedisLike, trackNodeRedis } from './node-redis.js';

export type { CacheFields } from './record.js';

const TRACKED = Symbol.for('canon.redis.tracked');

/**
 * Tracks an ioredis `Redis`/`Cluster` or a node-redis client (`createClient()`). Returns
 * the same client; tracking it again does nothing.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { trackRedis } from 'canon/redis';
 * const redis = trackRedis(new Redis(process.env.REDIS_URL!));
 * const cached = await redis.get(`user:${id}`); // inside a request: cache.hits or cache.misses + 1
 */
export function trackRedis<T extends object>(client: T): T {
  const target = client as Partial<IoredisLike & NodeRedisLike> | null;
  const kind =
    typeof target?.sendCommand !== 'function'
      ? undefined
      : typeof target.pipeline === 'function'
        ? 'ioredis'
        : typeof target.MULTI === 'function'
          ? 'node-redis'
          : undefined;
  if (kind === undefined) {
    throw invalidOption(
      'trackRedis(client)',
      `expected an ioredis or node-redis client, got ${describe(client)}`,
    );
  }
  const owner = (kind === 'node-redis' ? (target as NodeRedisLike)._self : undefined) ?? client;
  if ((owner as Record<symbol, unknown>)[TRACKED]) return client;
  Object.defineProperty(owner, TRACKED, { value: true });
  if (kind === 'ioredis') trackIoredis(client as unknown as IoredisLike);
  else trackNodeRedis(client as unknown as NodeRedisLike);
  return client;
}

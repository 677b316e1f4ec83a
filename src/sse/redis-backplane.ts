/**
 * @module canon/sse/redis-backplane
 * A backplane over Redis pub/sub. One Lua script increments the sequence key and
 * publishes in the same atomic step, so Redis hands messages to every subscriber in
 * sequence order. The key persists, so ids keep increasing across restarts.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { SseBackplane } from './backplane.js';
import { type RedisLike, redisOps } from './redis-client.js';

export interface RedisBackplaneOptions {
  /** The pub/sub channel; the sequence lives at `<channel>:seq`. Default `canon:sse`. */
  channel?: string;
  /** A connection to subscribe with instead of `client.duplicate()` (left open on close). */
  subscriber?: RedisLike;
}

const PUBLISH_SCRIPT = `local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], string.format('%d', seq) .. ':' .. ARGV[2])
return seq`;

function parse(raw: string, onMessage: (seq: number, payload: string) => void): void {
  const colon = raw.indexOf(':');
  const seq = Number(raw.slice(0, colon));
  if (colon > 0 && Number.isSafeInteger(seq)) onMessage(seq, raw.slice(colon + 1));
}

/**
 * Joins hubs through Redis. Pass an ioredis or a connected node-redis client; a
 * duplicate connection is opened for subscribing.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { createSseHub, redisBackplane } from 'canon/sse';
 * const hub = createSseHub({ backplane: redisBackplane(new Redis(), { channel: 'app:sse' }) });
 */
export function redisBackplane(client: RedisLike, options: RedisBackplaneOptions = {}): SseBackplane {
  const channel = options.channel ?? 'canon:sse';
  if (typeof channel !== 'string' || channel.length === 0) {
    throw invalidOption('channel', `expected a non-empty string, got ${describe(channel)}`);
  }
  const methods = client as unknown as Record<string, unknown> | null;
  if (
    methods === null ||
    typeof methods !== 'object' ||
    (typeof methods.call !== 'function' && typeof methods.sendCommand !== 'function')
  ) {
    throw invalidOption('client', `expected an ioredis or node-redis client, got ${describe(client)}`);
  }
  const ops = redisOps(client, options.subscriber);
  const key = `${channel}:seq`;
  return {
    subscribe: (listener) =>
      ops.subscribe(
        channel,
        (raw) => parse(raw, (seq, payload) => listener.message(seq, payload)),
        () => listener.resubscribed(),
      ),
    async publish(payload) {
      return Number(await ops.evalScript(PUBLISH_SCRIPT, [key], [channel, payload]));
    },
    close: () => ops.unsubscribe(),
  };
}

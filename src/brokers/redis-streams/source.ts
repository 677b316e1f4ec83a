/**
 * @module canon/redis-streams/source
 * `redisStreamsSource`: consume a Redis stream through a consumer group. Consumers of one
 * group (each with its own `consumer` name) share its entries (competing consumers);
 * different groups on one stream each get every entry (fan-out).
 */
import type { Redis } from 'ioredis';
import { describe, invalidOption } from '../../core/errors.js';
import type { MessageSource, SourcePolicy, Subscription } from '../../consumer/source.js';
import { redriveRedis } from './redrive.js';
import { redisSubscription } from './subscription.js';
import { integerOption, rejectUnknownOptions } from '../../core/option-checks.js';

export interface RedisStreamsSourceOptions {
  /** An ioredis client; the source also opens one `duplicate()` for its blocking reads. */
  client: Redis;
  /** The stream key. */
  stream: string;
  /** The consumer group; created (with the stream, `MKSTREAM`) when missing. */
  group: string;
  /** This consumer's name within the group: unique per process (e.g. the hostname and pid). */
  consumer: string;
  /** Where a created group starts: `'0'` (the whole stream, default) or `'$'` (new entries only). */
  startId?: string;
  /** Entries idle this long are taken over from a consumer presumed dead (default 30 000 ms). */
  claimIdleMs?: number;
  /** Entries read ahead of the handlers (default max(10, 2 × concurrency)). */
  prefetch?: number;
  /** Longest blocking read (default 5 000 ms). */
  blockMs?: number;
}

const KNOWN = ['client', 'stream', 'group', 'consumer', 'startId', 'claimIdleMs', 'prefetch', 'blockMs'];

function name(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 512)
    throw invalidOption(
      option,
      `expected a non-empty string (at most 512 characters), got ${describe(value)}`,
    );
  return value;
}

/** Creates the group (and the stream) unless the group exists. */
async function ensureGroup(client: Redis, stream: string, group: string, startId: string): Promise<void> {
  try {
    await client.call('XGROUP', 'CREATE', stream, group, startId, 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
  }
}

/**
 * A Redis Streams source for `consume`.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { hostname } from 'node:os';
 * import { consume } from 'canon/consumer';
 * import { redisStreamsSource } from 'canon/redis-streams';
 * const client = new Redis('redis://127.0.0.1:6379');
 * const source = redisStreamsSource({ client, stream: 'orders', group: 'billing', consumer: `${hostname()}-${process.pid}` });
 * await consume({ canon, source, handler });
 */
export function redisStreamsSource(options: RedisStreamsSourceOptions): MessageSource {
  if (options === null || typeof options !== 'object')
    throw invalidOption(
      'options',
      `expected { client, stream, group, consumer, ... }, got ${describe(options)}`,
    );
  rejectUnknownOptions(options, KNOWN);
  const { client } = options;
  if (typeof (client as Redis | null)?.call !== 'function' || typeof client.duplicate !== 'function')
    throw invalidOption('client', `expected an ioredis client (new Redis(...)), got ${describe(client)}`);
  const stream = name(options.stream, 'stream');
  const group = name(options.group, 'group');
  const consumer = name(options.consumer, 'consumer');
  const startId = options.startId ?? '0';
  if (typeof startId !== 'string' || !/^(\$|\d+(-\d+)?)$/.test(startId))
    throw invalidOption('startId', `expected '0', '$' or an entry id, got ${describe(startId)}`);
  const claimIdleMs = integerOption(options.claimIdleMs, 'claimIdleMs', 30_000, { min: 10 });
  const blockMs = integerOption(options.blockMs, 'blockMs', 5_000, { min: 1 });
  const prefetch =
    options.prefetch === undefined ? undefined : integerOption(options.prefetch, 'prefetch', 10, { min: 1 });
  const consumerName = `${stream}/${group}`;

  return {
    kind: 'redis-streams',
    consumer: consumerName,
    async subscribe(policy: SourcePolicy): Promise<Subscription> {
      await ensureGroup(client, stream, group, startId);
      return redisSubscription({
        client,
        stream,
        group,
        consumer,
        consumerName,
        prefetch: prefetch ?? Math.max(10, 2 * policy.concurrency),
        claimIdleMs,
        blockMs,
      });
    },
    redrive: (limit) => redriveRedis(client, stream, consumerName, limit),
  };
}

/**
 * @module canon/redis-streams/publisher
 * `redisStreamsPublisher`: a relay publisher (`createRelay({ publish })`) appending each
 * event to a Redis stream with `XADD`: the envelope JSON in the field `event`, the
 * CloudEvents-style attributes and `traceparent` in fields of their own, optionally
 * trimming the stream to about `maxLen` entries (`MAXLEN ~`, cheap approximate trimming).
 */
import type { Redis } from 'ioredis';
import { describe, invalidOption } from '../../core/errors.js';
import { encodeEvent } from '../../consumer/wire.js';
import type { EventEnvelope } from '../../events/envelope.js';
import type { PublishContext, Publisher } from '../../outbox/relay-options.js';
import { flatten } from './commands.js';
import { BODY_FIELD } from './subscription.js';
import { integerOption, rejectUnknownOptions } from '../../core/option-checks.js';

export interface RedisStreamsPublisherOptions {
  /** An ioredis client. */
  client: Redis;
  /** The stream key, or a function of the event. */
  stream: string | ((event: EventEnvelope, context: PublishContext) => string);
  /** Trim the stream to about this many entries (default: no trimming). */
  maxLen?: number;
}

const KNOWN = ['client', 'stream', 'maxLen'];

/**
 * A publisher to a Redis stream.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { redisStreamsPublisher } from 'canon/redis-streams';
 * const client = new Redis('redis://127.0.0.1:6379');
 * const relay = createRelay({ outbox, publish: redisStreamsPublisher({ client, stream: 'orders', maxLen: 100_000 }) });
 */
export function redisStreamsPublisher(options: RedisStreamsPublisherOptions): Publisher {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { client, stream, maxLen? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { client, stream, maxLen } = options;
  if (typeof (client as Redis | null)?.call !== 'function')
    throw invalidOption('client', `expected an ioredis client (new Redis(...)), got ${describe(client)}`);
  if (!(typeof stream === 'string' && stream !== '') && typeof stream !== 'function')
    throw invalidOption(
      'stream',
      `expected a stream key or (event, context) => string, got ${describe(stream)}`,
    );
  integerOption(maxLen, 'maxLen', undefined, { min: 1 });
  const trim = maxLen === undefined ? [] : ['MAXLEN', '~', maxLen];

  return async function publishToRedis(event, context) {
    const key = typeof stream === 'function' ? stream(event, context) : stream;
    const { body, headers } = encodeEvent(event);
    await client.call('XADD', key, ...trim, '*', BODY_FIELD, body, ...flatten(headers));
  };
}

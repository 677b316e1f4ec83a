/**
 * @module canon/rabbitmq/source
 * `rabbitSource`: consume a RabbitMQ queue. Several consumers of one queue share its
 * messages (competing consumers); for fan-out, give each consumer group its own queue
 * bound to the same exchange (`bindings`).
 *
 * Retries go through per-attempt delay queues (`<queue>.retry.<n>`, see ./topology)
 * rather than a quorum queue's `x-delivery-limit`: they give each attempt its own backoff
 * delay, work with the classic queues that already exist, and need no argument on the
 * consumed queue, which Canon never redeclares.
 */
import type { Channel, ConfirmChannel } from 'amqplib';
import { describe, invalidOption } from '../../core/errors.js';
import type { MessageSource, SourcePolicy, Subscription } from '../../consumer/source.js';
import { redriveRabbit } from './redrive.js';
import { rabbitSubscription } from './subscription.js';
import { ensureConsumerQueues, ensureExchange } from './topology.js';
import { integerOption, rejectUnknownOptions } from '../../core/option-checks.js';

export interface RabbitBinding {
  /** Exchange to bind the queue to; created as a durable topic exchange when missing. */
  exchange: string;
  /** Binding key (default `'#'`: everything). */
  routingKey?: string;
}

export interface RabbitSourceOptions {
  /** A confirm channel (`await connection.createConfirmChannel()`): retries and dead letters are confirmed before the original is acknowledged. */
  channel: ConfirmChannel;
  /** The queue; created (durable) when missing, used as it is when it exists. */
  queue: string;
  /** Unacknowledged messages RabbitMQ sends ahead (default max(10, 2 × concurrency)). */
  prefetch?: number;
  /** Bindings to make sure of (binding is idempotent). */
  bindings?: RabbitBinding[];
}

const KNOWN = ['channel', 'queue', 'prefetch', 'bindings'];

/** Throws unless `channel` is an amqplib confirm channel. */
export function checkConfirmChannel(channel: unknown): asserts channel is ConfirmChannel {
  const candidate = channel as ConfirmChannel | null;
  if (typeof candidate?.consume !== 'function' || typeof candidate.waitForConfirms !== 'function')
    throw invalidOption(
      'channel',
      `expected an amqplib confirm channel (await connection.createConfirmChannel()), got ${describe(channel)}`,
    );
}

function checkBindings(bindings: unknown): RabbitBinding[] {
  if (bindings === undefined) return [];
  if (!Array.isArray(bindings))
    throw invalidOption('bindings', `expected an array, got ${describe(bindings)}`);
  bindings.forEach((binding: RabbitBinding | null, i) => {
    if (typeof binding?.exchange !== 'string' || binding.exchange === '')
      throw invalidOption(
        `bindings[${i}].exchange`,
        `expected an exchange name, got ${describe(binding?.exchange)}`,
      );
    if (binding.routingKey !== undefined && typeof binding.routingKey !== 'string')
      throw invalidOption(
        `bindings[${i}].routingKey`,
        `expected a string, got ${describe(binding.routingKey)}`,
      );
  });
  return bindings;
}

async function bind(channel: Channel, queue: string, bindings: RabbitBinding[]): Promise<void> {
  for (const { exchange, routingKey = '#' } of bindings) {
    await ensureExchange(channel, exchange);
    await channel.bindQueue(queue, exchange, routingKey);
  }
}

/**
 * A RabbitMQ source for `consume`.
 *
 * @example
 * import amqp from 'amqplib';
 * import { consume } from 'canon/consumer';
 * import { rabbitSource } from 'canon/rabbitmq';
 * const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
 * const channel = await connection.createConfirmChannel();
 * await consume({
 *   canon,
 *   source: rabbitSource({ channel, queue: 'billing', prefetch: 20, bindings: [{ exchange: 'orders', routingKey: 'order.*' }] }),
 *   handler,
 * });
 */
export function rabbitSource(options: RabbitSourceOptions): MessageSource {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { channel, queue, prefetch? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { channel, queue, prefetch } = options;
  checkConfirmChannel(channel);
  if (typeof queue !== 'string' || queue === '' || queue.length > 200)
    throw invalidOption('queue', `expected a queue name (1 to 200 characters), got ${describe(queue)}`);
  integerOption(prefetch, 'prefetch', undefined, { min: 1, max: 65_535 });
  const bindings = checkBindings(options.bindings);

  return {
    kind: 'rabbitmq',
    consumer: queue,
    async subscribe(policy: SourcePolicy): Promise<Subscription> {
      await ensureConsumerQueues(channel, queue, policy.maxAttempts);
      await bind(channel, queue, bindings);
      return rabbitSubscription({
        channel,
        queue,
        prefetch: prefetch ?? Math.max(10, 2 * policy.concurrency),
        maxAttempts: policy.maxAttempts,
      });
    },
    redrive: (limit) => redriveRabbit(channel, queue, limit),
  };
}

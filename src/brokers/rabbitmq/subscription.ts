/**
 * @module canon/rabbitmq/subscription
 * A running RabbitMQ consumer as the consumer runtime sees it. `prefetch` bounds the
 * unacknowledged deliveries RabbitMQ pushes to it; they wait in a local buffer until the
 * runtime has a free handler slot. Settlements:
 *
 * - ack: `basic.ack`;
 * - retry after attempt n: the message is republished to `<queue>.retry.<n>` with
 *   `expiration` = the delay and `x-canon-attempt` = n + 1, confirmed, then the original
 *   is acknowledged; RabbitMQ dead-letters it back to `<queue>` when it expires;
 * - dead letter: republished to `<queue>.dlq` with `x-canon-error`, `x-canon-attempts`…,
 *   confirmed, then the original is acknowledged;
 * - release: `basic.nack` with requeue.
 *
 * A consumer that dies (connection closed, process killed) has its unacknowledged
 * deliveries requeued by RabbitMQ at once, flagged `redelivered`, to another consumer.
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { DeadLetter, SourceMessage, Subscription } from '../../consumer/source.js';
import { deadLetterHeaders, WireHeaders } from '../../consumer/wire.js';
import {
  ATTEMPT_HEADER,
  attemptOf,
  copyProperties,
  headerText,
  PUBLISHED_AT_HEADER,
  republishHeaders,
} from './headers.js';
import { deadLetterQueue, retryQueue, sendConfirmed } from './topology.js';

export interface RabbitSubscriptionSpec {
  channel: ConfirmChannel;
  queue: string;
  prefetch: number;
  maxAttempts: number;
}

function deliveryOf(msg: ConsumeMessage, spec: RabbitSubscriptionSpec): SourceMessage {
  const { channel, queue } = spec;
  const attempt = attemptOf(msg);
  const publishedAt = Number(headerText(msg, PUBLISHED_AT_HEADER));
  const republish = (to: string, headers: Record<string, unknown>, expiration?: number) =>
    sendConfirmed(channel, to, msg.content, {
      ...copyProperties(msg),
      headers: republishHeaders(msg, headers),
      expiration: expiration === undefined ? undefined : String(expiration),
      persistent: true,
    });
  return {
    body: msg.content,
    header: (name) => headerText(msg, name),
    subject: queue,
    attempt,
    redelivered: msg.fields.redelivered || attempt > 1,
    publishedAt: Number.isFinite(publishedAt) && publishedAt > 0 ? publishedAt : undefined,
    ack: () => channel.ack(msg),
    async retry(delayMs, error) {
      const to = retryQueue(queue, Math.min(attempt, spec.maxAttempts - 1));
      await republish(to, { [ATTEMPT_HEADER]: attempt + 1, [WireHeaders.error]: error }, delayMs);
      channel.ack(msg);
    },
    async deadLetter(letter: DeadLetter) {
      await republish(deadLetterQueue(queue), deadLetterHeaders(letter));
      channel.ack(msg);
    },
    release: () => channel.nack(msg, false, true),
  };
}

/**
 * Starts consuming `spec.queue` on `spec.channel`.
 *
 * @example
 * const subscription = await rabbitSubscription({ channel, queue: 'billing', prefetch: 20, maxAttempts: 5 });
 */
export async function rabbitSubscription(spec: RabbitSubscriptionSpec): Promise<Subscription> {
  const { channel, queue } = spec;
  const buffer: ConsumeMessage[] = [];
  let waiting:
    | { resolve: (msg: ConsumeMessage | undefined) => void; reject: (err: Error) => void }
    | undefined;
  let failure: Error | undefined;
  let stopped = false;

  const fail = (error: Error) => {
    failure ??= error;
    buffer.length = 0; // unacknowledged deliveries of a closed channel are requeued by RabbitMQ
    waiting?.reject(failure);
    waiting = undefined;
  };
  const onClose = () => fail(new Error(`canon: the RabbitMQ channel consuming ${queue} closed`));
  channel.on('close', onClose);

  await channel.prefetch(spec.prefetch);
  const { consumerTag } = await channel.consume(
    queue,
    (msg) => {
      if (msg === null)
        return fail(new Error(`canon: RabbitMQ cancelled the consumer of ${queue} (queue deleted?)`));
      if (waiting) {
        waiting.resolve(msg);
        waiting = undefined;
      } else buffer.push(msg);
    },
    { noAck: false },
  );

  return {
    async next() {
      const buffered = buffer.shift();
      if (buffered) return deliveryOf(buffered, spec);
      if (stopped) return undefined;
      if (failure) throw failure;
      const msg = await new Promise<ConsumeMessage | undefined>(
        (resolve, reject) => (waiting = { resolve, reject }),
      );
      return msg && deliveryOf(msg, spec);
    },
    async stop() {
      stopped = true;
      waiting?.resolve(undefined);
      waiting = undefined;
      if (!failure) await channel.cancel(consumerTag);
      for (const msg of buffer.splice(0)) if (!failure) channel.nack(msg, false, true);
    },
    async close() {
      channel.off('close', onClose);
    },
  };
}

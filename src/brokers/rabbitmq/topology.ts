/**
 * @module canon/rabbitmq/topology
 * Creates missing queues and exchanges and accepts existing ones as they are. Declaring
 * a queue that exists with other arguments (a quorum queue, a TTL, a dead-letter
 * exchange) fails and closes the channel, so existence is checked first with a passive
 * declare on a short-lived probe channel of the same connection (a missing queue closes
 * that probe channel, never the caller's), and only what is missing is declared.
 *
 * Created queues are durable classic queues without arguments; created exchanges are
 * durable `topic` exchanges. The retry queues `<queue>.retry.<n>` are Canon's own:
 * messages wait there for their delay (per-message `expiration`), then RabbitMQ
 * dead-letters them back to `<queue>` through the default exchange.
 */
import type { Channel, ConfirmChannel } from 'amqplib';

type ChannelClass = new (connection: Channel['connection']) => Channel & { open(): Promise<unknown> };

/** Opens another channel on `channel`'s connection, for passive declares that may fail. */
async function openProbe(channel: Channel): Promise<Channel> {
  const Probe = channel.constructor as ChannelClass;
  const probe = new Probe(channel.connection);
  probe.on('error', () => {}); // a 404 closes the probe with an error event: expected
  await probe.open();
  return probe;
}

async function exists(channel: Channel, check: (probe: Channel) => Promise<unknown>): Promise<boolean> {
  const probe = await openProbe(channel);
  try {
    await check(probe);
    await probe.close();
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    await probe.close().catch(() => {});
    throw err;
  }
}

/**
 * Declares `queue` (durable, with `args`) unless it exists.
 *
 * @example
 * await ensureQueue(channel, 'billing.dlq');
 */
export async function ensureQueue(
  channel: Channel,
  queue: string,
  args?: Record<string, unknown>,
): Promise<void> {
  if (await exists(channel, (probe) => probe.checkQueue(queue))) return;
  await channel.assertQueue(queue, { durable: true, arguments: args });
}

/**
 * Declares `exchange` (durable topic) unless it exists; the default exchange `''` always does.
 *
 * @example
 * await ensureExchange(channel, 'orders');
 */
export async function ensureExchange(channel: Channel, exchange: string): Promise<void> {
  if (exchange === '') return;
  if (await exists(channel, (probe) => probe.checkExchange(exchange))) return;
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

export const deadLetterQueue = (queue: string) => `${queue}.dlq`;
export const retryQueue = (queue: string, attempt: number) => `${queue}.retry.${attempt}`;

/**
 * The dead-letter queue and one retry queue per attempt that can fail and retry.
 *
 * @example
 * await ensureConsumerQueues(channel, 'billing', 5); // billing, billing.dlq, billing.retry.1..4
 */
export async function ensureConsumerQueues(
  channel: Channel,
  queue: string,
  maxAttempts: number,
): Promise<void> {
  const retryArgs = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue };
  await Promise.all([
    ensureQueue(channel, queue),
    ensureQueue(channel, deadLetterQueue(queue)),
    ...Array.from({ length: maxAttempts - 1 }, (_, i) =>
      ensureQueue(channel, retryQueue(queue, i + 1), retryArgs),
    ),
  ]);
}

/**
 * Sends to `queue` through the default exchange and resolves on the broker's confirm.
 *
 * @example
 * await sendConfirmed(channel, 'billing.dlq', content, { persistent: true });
 */
export function sendConfirmed(
  channel: ConfirmChannel,
  queue: string,
  content: Buffer,
  options: Parameters<ConfirmChannel['sendToQueue']>[2],
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.sendToQueue(queue, content, options, (err) =>
        err
          ? reject(
              err instanceof Error
                ? err
                : new Error(`canon: RabbitMQ did not confirm the message to ${queue}`),
            )
          : resolve(),
      );
    } catch (err) {
      reject(err);
    }
  });
}

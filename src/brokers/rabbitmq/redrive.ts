/**
 * @module canon/rabbitmq/redrive
 * Moves dead letters from `<queue>.dlq` back to `<queue>` (one `basic.get` at a time,
 * each republish confirmed before the dead letter is acknowledged), with the attempt
 * counter and dead-letter headers removed so they get a fresh round of attempts.
 */
import type { ConfirmChannel } from 'amqplib';
import { copyProperties, republishHeaders } from './headers.js';
import { deadLetterQueue, sendConfirmed } from './topology.js';

/**
 * Redrives up to `limit` dead letters of `queue`; resolves to how many moved.
 *
 * @example
 * await redriveRabbit(channel, 'billing', 100)
 */
export async function redriveRabbit(channel: ConfirmChannel, queue: string, limit: number): Promise<number> {
  let moved = 0;
  while (moved < limit) {
    const letter = await channel.get(deadLetterQueue(queue), { noAck: false });
    if (letter === false) break;
    try {
      await sendConfirmed(channel, queue, letter.content, {
        ...copyProperties(letter),
        headers: republishHeaders(letter, {}),
        persistent: true,
      });
    } catch (err) {
      channel.nack(letter, false, true);
      throw err;
    }
    channel.ack(letter);
    moved++;
  }
  return moved;
}

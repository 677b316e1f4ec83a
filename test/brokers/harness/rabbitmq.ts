import { randomBytes } from 'node:crypto';
import amqp, { type ConfirmChannel } from 'amqplib';
import { rabbitPublisher, rabbitSource } from '../../../src/brokers/rabbitmq/index.js';
import type { BrokerHarness, DeadLetterView } from './types.js';

export const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';

export async function rabbitHarness(names?: Record<string, string>): Promise<BrokerHarness> {
  const exchange = names?.exchange ?? `canon_t_${randomBytes(4).toString('hex')}`;
  const connection = await amqp.connect(RABBIT_URL);
  connection.on('error', () => {});
  const channel = await connection.createConfirmChannel();
  const groups = new Set<string>();
  const queueOf = (group: string) => `${exchange}.${group}`;
  const header = (value: unknown) => (value === undefined ? undefined : String(value));
  return {
    broker: 'rabbitmq',
    names: { exchange },
    publisher: () => rabbitPublisher({ channel, exchange }),
    async source(group, tuning = {}) {
      groups.add(group);
      const own: ConfirmChannel = await connection.createConfirmChannel();
      return rabbitSource({
        channel: own,
        queue: queueOf(group),
        prefetch: tuning.prefetch,
        bindings: [{ exchange }],
      });
    },
    async publishRaw(body) {
      channel.publish(exchange, 'raw.message', Buffer.from(body), { persistent: true });
      await channel.waitForConfirms();
    },
    async deadLetters(group) {
      const taken: amqp.GetMessage[] = [];
      for (;;) {
        const letter = await channel.get(`${queueOf(group)}.dlq`, { noAck: false });
        if (letter === false) break;
        taken.push(letter);
      }
      for (const letter of taken) channel.nack(letter, false, true);
      return taken.map(
        (letter): DeadLetterView => ({
          body: letter.content.toString(),
          error: header(letter.properties.headers?.['x-canon-error']),
          attempts: header(letter.properties.headers?.['x-canon-attempts']),
        }),
      );
    },
    async backlog(group) {
      return (await channel.checkQueue(queueOf(group))).messageCount;
    },
    async cleanup() {
      for (const group of groups) {
        const queue = queueOf(group);
        for (const name of [
          queue,
          `${queue}.dlq`,
          ...Array.from({ length: 10 }, (_, i) => `${queue}.retry.${i + 1}`),
        ])
          await channel.deleteQueue(name).catch(() => {});
      }
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

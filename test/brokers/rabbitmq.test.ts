import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rabbitPublisher, rabbitSource } from '../../src/brokers/rabbitmq/index.js';
import { consume } from '../../src/consumer/index.js';
import { createEvent, defineEvent, type EventEnvelope } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';
import { brokerContract } from './contract.js';
import { RABBIT_URL } from './harness/rabbitmq.js';
import { requireServices } from '../helpers/services.js';

requireServices('rabbitmq', 'postgres');

describe('broker contract: rabbitmq', () => brokerContract('rabbitmq'));

const OrderPlaced = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });
type Fields = Record<string, unknown>;
const context = (event: EventEnvelope) => ({ topic: event.type, key: null, attempt: 1 });

describe('canon/rabbitmq specifics', () => {
  let connection: ChannelModel;
  const queues: string[] = [];
  const exchanges: string[] = [];
  const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });
  const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    connection = await amqp.connect(RABBIT_URL);
  });
  afterAll(async () => {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => {});
    for (const exchange of exchanges) await channel.deleteExchange(exchange).catch(() => {});
    await connection.close();
  });

  it('consumes an existing quorum queue declared with other arguments, without redeclaring it', async () => {
    const channel = await connection.createConfirmChannel();
    const queue = unique('canon_quorum');
    queues.push(queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-max-length': 1000 },
    });
    const attempts: number[] = [];
    const consumer = await consume({
      canon,
      source: rabbitSource({ channel, queue }),
      retry: { maxAttempts: 3, backoff: { baseMs: 20, maxMs: 50 } },
      handler: async (_event, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) throw new Error('once');
      },
    });
    const event = createEvent(OrderPlaced, { n: 1 });
    await rabbitPublisher({ channel, exchange: '', routingKey: queue })(event, context(event));
    await waitFor(() => consumer.stats().acked === 1, 10_000, 'retried delivery');
    await consumer.stop();
    expect(attempts).toEqual([1, 2]);
    // the queue is still the quorum queue it was, and the channel was never closed by a failed declare
    await expect(
      channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum', 'x-max-length': 1000 },
      }),
    ).resolves.toMatchObject({ queue });
    await channel.close();
  });

  it('fails a publish that no queue receives, so the relay retries it instead of losing the event', async () => {
    const channel = await connection.createConfirmChannel();
    const exchange = unique('canon_unbound');
    exchanges.push(exchange);
    const publish = rabbitPublisher({ channel, exchange });
    const event = createEvent(OrderPlaced, { n: 1 });
    await expect(publish(event, context(event))).rejects.toThrow(/no queue is bound to receive order.placed/);
    const queue = unique('canon_bound');
    queues.push(queue);
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, '#');
    await publish(event, { ...context(event), attempt: 2 });
    const got = await channel.get(queue, { noAck: true });
    expect(got && got.properties).toMatchObject({
      messageId: event.id,
      type: 'order.placed',
      deliveryMode: 2,
    });
    expect(got && got.properties.headers).toMatchObject({
      'ce-id': event.id,
      'ce-type': 'order.placed',
      'ce-specversion': '1.0',
    });
    await channel.close();
  });

  it('publishers sharing a channel share one return listener, and each still fails its unroutable publish', async () => {
    const channel = await connection.createConfirmChannel();
    const exchange = unique('canon_shared');
    exchanges.push(exchange);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const publishers = Array.from({ length: 12 }, () => rabbitPublisher({ channel, exchange }));
      expect(channel.listenerCount('return')).toBe(1);
      const events = publishers.map((_, n) => createEvent(OrderPlaced, { n }));
      const results = await Promise.allSettled(publishers.map((publish, i) => publish(events[i], context(events[i]))));
      expect(results.map((r) => r.status)).toEqual(Array(12).fill('rejected'));
      results.forEach((result, i) =>
        expect((result as PromiseRejectedResult).reason.message).toContain(events[i].id),
      );
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await channel.close();
    }
  });

  it('dead-letters a message delivered more times than maxAttempts without running the handler', async () => {
    const channel = await connection.createConfirmChannel();
    const queue = unique('canon_exhausted');
    queues.push(queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`);
    let calls = 0;
    const consumer = await consume({
      canon,
      source: rabbitSource({ channel, queue }),
      retry: { maxAttempts: 3 },
      handler: async () => void calls++,
    });
    const event = createEvent(OrderPlaced, { n: 1 });
    channel.sendToQueue(queue, Buffer.from(JSON.stringify(event)), { headers: { 'x-canon-attempt': 4 } });
    await waitFor(() => consumer.stats().dead_lettered === 1, 5_000, 'dead letter');
    await consumer.stop();
    expect(calls).toBe(0);
    const letter = await channel.get(`${queue}.dlq`, { noAck: true });
    expect(letter && String(letter.properties.headers?.['x-canon-error'])).toMatch(
      /^AttemptsExceeded: delivered 4 times, more than retry.maxAttempts \(3\)/,
    );
    await channel.close();
  });

  it('reports broker trouble outside handlers through onError and wide events, and stops cleanly', async () => {
    const channel = await connection.createConfirmChannel();
    const queue = unique('canon_vanishing');
    queues.push(queue, `${queue}.dlq`);
    const sink = memorySink();
    const watched = createCanon({ service: 'test', sinks: [sink], handleExit: false });
    const errors: [string, string][] = [];
    const consumer = await consume({
      canon: watched,
      source: rabbitSource({ channel, queue }),
      retry: { maxAttempts: 1 },
      handler: async () => {},
      onError: (error, operation) => errors.push([operation, (error as Error).message]),
    });
    const other = await connection.createChannel();
    await other.deleteQueue(queue); // RabbitMQ cancels the consumer
    await waitFor(() => errors.length > 0, 5_000, 'fetch error');
    expect(errors[0]).toEqual(['fetch', expect.stringContaining(`cancelled the consumer of ${queue}`)]);
    expect(sink.events.find((e) => (e.message as Fields | undefined)?.operation === 'fetch')).toMatchObject({
      kind: 'message',
      outcome: 'error',
      message: { source: 'rabbitmq', consumer: queue },
    });
    await consumer.stop();
    await other.close();
    await channel.close().catch(() => {});
  });

  it('rejects bad options with errors naming them', async () => {
    const plain = await connection.createChannel();
    expect(() => rabbitSource({ channel: plain as never, queue: 'q' })).toThrow(
      expect.objectContaining({ option: 'channel' }),
    );
    const channel = await connection.createConfirmChannel();
    expect(() => rabbitSource({ channel, queue: '' })).toThrow(expect.objectContaining({ option: 'queue' }));
    expect(() => rabbitSource({ channel, queue: 'q', prefetch: 0 })).toThrow(
      expect.objectContaining({ option: 'prefetch' }),
    );
    expect(() => rabbitSource({ channel, queue: 'q', bindings: [{ exchange: '' }] })).toThrow(
      expect.objectContaining({ option: 'bindings[0].exchange' }),
    );
    expect(() => rabbitPublisher({ channel, exchange: 'x', routingKey: 5 as never })).toThrow(
      expect.objectContaining({ option: 'routingKey' }),
    );
    await plain.close();
    await channel.close();
  });
});

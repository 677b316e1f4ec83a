import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { natsPublisher, natsSource } from '../../src/brokers/nats/index.js';
import { consume } from '../../src/consumer/index.js';
import { createEvent, defineEvent, type EventEnvelope } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';
import { brokerContract } from './contract.js';

describe('broker contract: nats', () => brokerContract('nats'));

const OrderPlaced = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });
const context = (event: EventEnvelope) => ({ topic: event.type, key: null, attempt: 1 });

describe('canon/nats specifics', () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  const name = (prefix: string) => {
    const value = `${prefix}_${randomBytes(4).toString('hex')}`;
    streams.push(value, `${value}_DLQ`);
    return value;
  };
  const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });

  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  });

  it('uses an existing stream and durable as they are, without updating them', async () => {
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const stream = name('LEGACY');
    const subjects = [`legacy_${stream.toLowerCase()}.>`];
    await jsm.streams.add({ name: stream, subjects, max_msgs: 1_000 });
    await jsm.consumers.add(stream, {
      durable_name: 'old',
      ack_policy: 'explicit' as never,
      max_deliver: 20,
      ack_wait: 10_000_000_000,
    });
    const seen: string[] = [];
    const consumer = await consume({
      canon,
      source: natsSource({ js, stream, durable: 'old' }),
      handler: async (event) => void seen.push(event.id),
    });
    const event = createEvent(OrderPlaced, { n: 1 });
    await natsPublisher({ js, subject: () => `${subjects[0].slice(0, -2)}.orders` })(event, context(event));
    await waitFor(() => seen.length === 1, 5_000, 'delivery');
    await consumer.stop();
    const info = await jsm.streams.info(stream);
    expect(info.config.subjects).toEqual(subjects);
    expect(info.config.max_msgs).toBe(1_000);
    const durable = await jsm.consumers.info(stream, 'old');
    expect(durable.config).toMatchObject({ max_deliver: 20, ack_wait: 10_000_000_000 });
  });

  it('refuses a stream that captures its own dead-letter subject', async () => {
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const stream = name('GREEDY');
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    await expect(
      consume({ canon, source: natsSource({ js, stream, durable: 'd' }), handler: () => {} }),
    ).rejects.toMatchObject({
      code: 'CANON_BROKER_TOPOLOGY',
      message: expect.stringContaining(`${stream}.dlq is captured by stream ${stream}`),
    });
  });

  it('publishes each event once per id: JetStream drops a re-publish (Nats-Msg-Id)', async () => {
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const stream = name('DEDUPE');
    const publish = natsPublisher({ js, stream, subject: (event) => `${stream}.${event.type}` });
    const event = createEvent(OrderPlaced, { n: 1 });
    await publish(event, context(event));
    await publish(event, { ...context(event), attempt: 2 });
    expect((await jsm.streams.info(stream)).state.messages).toBe(1);
    const stored = await jsm.streams.getMessage(stream, { seq: 1 });
    expect(stored.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored.header.get('ce-type')).toBe('order.placed');
    expect(JSON.parse(new TextDecoder().decode(stored.data))).toEqual(event);
  });

  it('rejects bad options with errors naming them', () => {
    const js = nc.jetstream();
    expect(() => natsSource({} as never)).toThrow(expect.objectContaining({ option: 'js' }));
    expect(() => natsSource({ js, stream: 'a.b', durable: 'd' })).toThrow(
      expect.objectContaining({ option: 'stream' }),
    );
    expect(() => natsSource({ js, stream: 'S', durable: 'd>' })).toThrow(
      expect.objectContaining({ option: 'durable' }),
    );
    expect(() => natsSource({ js, stream: 'S', durable: 'd', ackWaitMs: 0 })).toThrow(
      expect.objectContaining({ option: 'ackWaitMs' }),
    );
    expect(() => natsSource({ js, stream: 'S', durable: 'd', durabel: 'x' } as never)).toThrow(
      expect.objectContaining({ option: 'durabel' }),
    );
    expect(() => natsPublisher({ js, subject: 'S.x' as never })).toThrow(
      expect.objectContaining({ option: 'subject' }),
    );
  });
});

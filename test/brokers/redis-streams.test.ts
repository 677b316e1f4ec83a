import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redisStreamsPublisher, redisStreamsSource } from '../../src/brokers/redis-streams/index.js';
import { consume } from '../../src/consumer/index.js';
import { createEvent, defineEvent, type EventEnvelope } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { brokerContract } from './contract.js';

describe('broker contract: redis-streams', () => brokerContract('redis-streams'));

const OrderPlaced = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });
const context = (event: EventEnvelope) => ({ topic: event.type, key: null, attempt: 1 });

describe('canon/redis-streams specifics', () => {
  const client = new Redis(6379, '127.0.0.1');
  const keys: string[] = [];
  const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });
  const unique = () => {
    const key = `canon:t:${randomBytes(4).toString('hex')}`;
    keys.push(key, `${key}:dlq`);
    return key;
  };
  afterAll(async () => {
    await client.del(...keys);
    client.disconnect();
  });

  it('joins an existing group where it is, without replaying older entries', async () => {
    const stream = unique();
    const publish = redisStreamsPublisher({ client, stream });
    const old = createEvent(OrderPlaced, { n: 0 });
    await publish(old, context(old));
    await client.call('XGROUP', 'CREATE', stream, 'existing', '$');
    const seen: number[] = [];
    const consumer = await consume({
      canon,
      source: redisStreamsSource({ client, stream, group: 'existing', consumer: 'c1' }),
      handler: async (event) => void seen.push((event.data as { n: number }).n),
    });
    const fresh = createEvent(OrderPlaced, { n: 1 });
    await publish(fresh, context(fresh));
    await waitFor(() => seen.length === 1, 5_000, 'delivery');
    await sleep(200);
    await consumer.stop();
    expect(seen).toEqual([1]);
  });

  it('trims the stream approximately to maxLen', async () => {
    const stream = unique();
    const publish = redisStreamsPublisher({ client, stream, maxLen: 10 });
    for (let i = 0; i < 300; i++) {
      const event = createEvent(OrderPlaced, { n: i });
      await publish(event, context(event));
    }
    const length = Number(await client.call('XLEN', stream));
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(300);
    const [[, fields]] = (await client.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)) as [
      string,
      string[],
    ][];
    expect(fields.slice(0, 2)[0]).toBe('event');
    expect(fields).toContain('ce-type');
  });

  it('rejects bad options with errors naming them', () => {
    expect(() => redisStreamsSource({ client, stream: 's', group: 'g' } as never)).toThrow(
      expect.objectContaining({ option: 'consumer' }),
    );
    expect(() =>
      redisStreamsSource({ client, stream: 's', group: 'g', consumer: 'c', claimIdleMs: 0 }),
    ).toThrow(expect.objectContaining({ option: 'claimIdleMs' }));
    expect(() =>
      redisStreamsSource({ client, stream: 's', group: 'g', consumer: 'c', startId: 'now' }),
    ).toThrow(expect.objectContaining({ option: 'startId' }));
    expect(() => redisStreamsSource({ client: {} as never, stream: 's', group: 'g', consumer: 'c' })).toThrow(
      expect.objectContaining({ option: 'client' }),
    );
    expect(() => redisStreamsPublisher({ client, stream: 's', maxLen: -1 })).toThrow(
      expect.objectContaining({ option: 'maxLen' }),
    );
  });
});

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

  it('a graceful stop hands back unstarted entries without using up their attempts', async () => {
    const stream = unique();
    const publish = redisStreamsPublisher({ client, stream });
    for (let n = 0; n < 5; n++) {
      const event = createEvent(OrderPlaced, { n });
      await publish(event, context(event));
    }
    const handled: { consumer: string; n: number; attempt: number }[] = [];
    const start = (name: string) =>
      consume({
        canon,
        retry: { maxAttempts: 1 },
        source: redisStreamsSource({ client, stream, group: 'g', consumer: name, claimIdleMs: 200 }),
        handler: async (event, ctx) => {
          handled.push({ consumer: name, n: (event.data as { n: number }).n, attempt: ctx.attempt });
          await sleep(200);
        },
      });
    const first = await start('first');
    await waitFor(() => handled.length === 1, 5_000, 'first handler');
    await first.stop(); // finishes entry 0, hands back the four it had fetched ahead
    const second = await start('second');
    await waitFor(() => handled.length === 5, 10_000, 'all entries handled');
    await second.stop();
    expect(handled.map((h) => h.n).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(handled.every((h) => h.attempt === 1)).toBe(true);
    expect(second.stats().dead_lettered).toBe(0);
    expect(Number(await client.call('XLEN', `${stream}:dlq`))).toBe(0);
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

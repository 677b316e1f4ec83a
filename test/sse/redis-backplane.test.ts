import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseHub, redisBackplane } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { describeBackplane } from './backplane-contract.js';
import { joinedPairWithClient } from './helpers.js';
import { requireServices } from '../helpers/services.js';

requireServices('redis');

const REDIS_URL = 'redis://127.0.0.1:6379';

describeBackplane('Redis (ioredis)', async () => {
  const channel = `canon-test:sse:${randomUUID()}`;
  const clients: Redis[] = [];
  return {
    make() {
      const client = new Redis(REDIS_URL);
      clients.push(client);
      return redisBackplane(client, { channel });
    },
    async teardown() {
      await clients[0]?.del(`${channel}:seq`);
      await Promise.all(clients.map((client) => client.quit()));
    },
  };
});

describe('canon/sse Redis backplane specifics', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('works with node-redis clients and joins ioredis instances on the same channel', async () => {
    const channel = `canon-test:sse:${randomUUID()}`;
    const nodeRedis = createClient({ url: REDIS_URL });
    await nodeRedis.connect();
    const ioredis = new Redis(REDIS_URL);
    cleanups.push(
      () => ioredis.quit(),
      () => nodeRedis.close(),
    );
    const a = createSseHub({ backplane: redisBackplane(nodeRedis as never, { channel }) });
    const b = createSseHub({ backplane: redisBackplane(ioredis, { channel }) });
    cleanups.push(() => ioredis.del(`${channel}:seq`));
    const { client } = await joinedPairWithClient(a, b, 'c', cleanups);
    const id = await a.publish('c', { data: 'multi\nline' });
    await waitFor(() => client.parsed().events.length === 1);
    expect(client.parsed().events[0]).toEqual({ id, data: 'multi\nline' });
    expect(Number(await ioredis.get(`${channel}:seq`))).toBe(Number(id));
  });

  it('unsubscribes on close and rejects publishes once Redis is gone, counting the error', async () => {
    const channel = `canon-test:sse:${randomUUID()}`;
    const admin = new Redis(REDIS_URL);
    const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    cleanups.push(() => admin.quit());
    const hub = createSseHub({ backplane: redisBackplane(client, { channel }) });
    await hub.ready();
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    client.disconnect();
    await expect(hub.publish('a', { data: 1 })).rejects.toThrow();
    expect(hub.stats().backplane_errors).toBeGreaterThanOrEqual(1);
    await hub.close();
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
    await admin.del(`${channel}:seq`);
  });

  it('resets live clients when the subscriber reconnects, then delivers again', async () => {
    const channel = `canon-test:sse:${randomUUID()}`;
    const name = `canon-test-sub-${randomUUID().slice(0, 8)}`;
    const admin = new Redis(REDIS_URL);
    const publisherA = new Redis(REDIS_URL);
    const publisherB = new Redis(REDIS_URL);
    const subscriber = new Redis(REDIS_URL, { connectionName: name, retryStrategy: () => 20 });
    cleanups.push(
      () => admin.quit(),
      () => publisherA.quit(),
      () => publisherB.quit(),
      () => subscriber.quit(),
      () => admin.del(`${channel}:seq`),
    );
    const a = createSseHub({ backplane: redisBackplane(publisherA, { channel }) });
    const b = createSseHub({ backplane: redisBackplane(publisherB, { channel, subscriber }) });
    const { client: live } = await joinedPairWithClient(a, b, 'news', cleanups);
    await a.publish('news', { data: 'before' });
    await waitFor(() => live.parsed().events.length === 1);
    const id = /id=(\d+) [^\n]*name=([^ ]+)/g;
    const list = (await admin.client('LIST')) as string;
    const own = [...list.matchAll(id)].find((m) => m[2] === name);
    await admin.client('KILL', 'ID', own![1]);
    await waitFor(() => live.parsed().events.some((e) => e.event === 'reset'), 5_000, 'a reset');
    let tries = 0;
    while (!live.parsed().events.some((e) => e.data === 'after')) {
      if (++tries > 100) throw new Error('b never received again');
      await a.publish('news', { data: 'after' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(live.parsed().events[1]).toMatchObject({ event: 'reset' });
    await b.close();
    expect(subscriber.status).toBe('ready'); // a subscriber you pass stays open for you
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]); // only a's own
  });
});

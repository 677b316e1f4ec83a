/**
 * The soak's broker traffic: a Redis Streams publisher sending one `soak.ticked` event
 * every 100 ms and a consumer (canon/consumer, one wide event per message) that hands
 * each to `onMessage`. Without Redis on 127.0.0.1:6379 it stays off and says so.
 */
import { Redis } from 'ioredis';
import { redisStreamsPublisher, redisStreamsSource } from '../../src/brokers/redis-streams/index.js';
import { type Consumer, consume } from '../../src/consumer/index.js';
import { createEvent, defineEvent } from '../../src/events/index.js';
import type { Canon } from '../../src/index.js';

const Ticked = defineEvent('soak.ticked');

export interface SoakBroker {
  readonly enabled: boolean;
  stats(): { published: number; handled: number };
  stop(): Promise<void>;
}

/** Starts publishing and consuming; `onMessage(n)` runs in each message's handler. */
export async function startBroker(canon: Canon, onMessage: (n: number) => void): Promise<SoakBroker> {
  const client = new Redis(6379, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
  } catch {
    process.stderr.write('soak: Redis is down on 127.0.0.1:6379; running without the broker consumer\n');
    client.disconnect();
    return { enabled: false, stats: () => ({ published: 0, handled: 0 }), stop: async () => {} };
  }
  const stream = `canon:soak:${process.pid}`;
  let published = 0;
  let handled = 0;
  const consumer: Consumer = await consume({
    canon,
    source: redisStreamsSource({ client, stream, group: 'soak', consumer: 'soak-1', blockMs: 500 }),
    handler: (event) => {
      handled++;
      onMessage((event.data as { n: number }).n);
    },
  });
  const publish = redisStreamsPublisher({ client, stream });
  const timer = setInterval(() => {
    const event = createEvent(Ticked, { n: published });
    published++;
    void Promise.resolve(publish(event, { topic: event.type, key: null, attempt: 1 })).catch(() => {});
  }, 100);
  return {
    enabled: true,
    stats: () => ({ published, handled }),
    async stop() {
      clearInterval(timer);
      await consumer.stop();
      await client.del(stream);
      client.disconnect();
    },
  };
}

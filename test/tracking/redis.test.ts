import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { trackRedis } from '../../src/tracking/redis/index.js';
import { requireServices } from '../helpers/services.js';

requireServices('redis');

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `canon-test:${randomBytes(4).toString('hex')}:`;
const key = (name: string) => `${prefix}${name}`;

/** The same operations on both clients, so one suite covers both. */
interface Subject {
  set(k: string, v: string): Promise<unknown>;
  get(k: string): Promise<unknown>;
  mget(keys: string[]): Promise<unknown>;
  hset(k: string, field: string, v: string): Promise<unknown>;
  hget(k: string, field: string): Promise<unknown>;
  raw: object;
  quit(): Promise<unknown>;
}

async function ioredisSubject(): Promise<Subject> {
  const client = new Redis(URL);
  return {
    raw: client,
    set: (k, v) => client.set(k, v),
    get: (k) => client.get(k),
    mget: (keys) => client.mget(keys),
    hset: (k, f, v) => client.hset(k, f, v),
    hget: (k, f) => client.hget(k, f),
    quit: () => client.quit(),
  };
}

async function nodeRedisSubject(): Promise<Subject> {
  const client = createClient({ url: URL });
  await client.connect();
  return {
    raw: client,
    set: (k, v) => client.set(k, v),
    get: (k) => client.get(k),
    mget: (keys) => client.mGet(keys),
    hset: (k, f, v) => client.hSet(k, f, v),
    hget: (k, f) => client.hGet(k, f),
    quit: () => client.quit(),
  };
}

afterAll(async () => {
  const client = new Redis(URL);
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(keys);
  await client.quit();
});

function setup() {
  const sink = memorySink();
  return { sink, canon: createCanon({ sinks: [sink], handleExit: false }) };
}

describe.each([
  ['ioredis', ioredisSubject],
  ['node-redis', nodeRedisSubject],
])('trackRedis(%s)', (_name, make) => {
  it('counts commands, time, and GET/MGET/HGET hits and misses', async () => {
    const { sink, canon } = setup();
    const subject = await make();
    trackRedis(subject.raw);
    try {
      await canon.run({}, async () => {
        await subject.set(key('a'), '1');
        expect(await subject.get(key('a'))).toBe('1'); // hit
        expect(await subject.get(key('missing'))).toBeNull(); // miss
        await subject.mget([key('a'), key('missing'), key('a')]); // 2 hits, 1 miss
        await subject.hset(key('h'), 'f', 'v');
        await subject.hget(key('h'), 'f'); // hit
        await subject.hget(key('h'), 'nope'); // miss
      });
    } finally {
      await subject.quit();
    }
    const { cache } = sink.events[0];
    expect(cache).toMatchObject({ hits: 4, misses: 3, commands: 7, error_count: 0 });
    expect(cache.total_ms).toBeGreaterThan(0);
  });

  it('counts a failing command and keeps concurrent units apart', async () => {
    const { sink, canon } = setup();
    const subject = await make();
    trackRedis(trackRedis(subject.raw)); // twice: still counted once
    try {
      await subject.hset(key('hash'), 'f', 'v'); // outside a unit: not recorded anywhere
      await Promise.all(
        [1, 4].map((n) =>
          canon.run({ n }, async () => {
            for (let i = 0; i < n; i++) await subject.get(key('none'));
            if (n === 1) await subject.get(key('hash')).catch(() => {}); // WRONGTYPE
          }),
        ),
      );
    } finally {
      await subject.quit();
    }
    const byN = Object.fromEntries(sink.events.map((e) => [e.n, e.cache]));
    expect(byN[1]).toMatchObject({ commands: 2, misses: 1, error_count: 1 });
    expect(byN[4]).toMatchObject({ commands: 4, misses: 4, error_count: 0 });
  });
});

describe('trackRedis batches', () => {
  it('node-redis: MULTI and pipelines count each command and read their replies', async () => {
    const { sink, canon } = setup();
    const client = trackRedis(createClient({ url: URL }));
    await client.connect();
    try {
      await client.set(key('m'), 'x');
      await canon.run({}, async () => {
        await client.multi().get(key('m')).get(key('nothing')).exec();
        await client.multi().get(key('m')).set(key('p'), 'y').execAsPipeline();
        await client.withTypeMapping({}).get(key('m')); // a proxy of the tracked client
      });
    } finally {
      await client.quit();
    }
    expect(sink.events[0].cache).toMatchObject({ commands: 5, hits: 3, misses: 1 });
  });

  it('ioredis: pipelines read replies; MULTI counts its round trips without hits and misses', async () => {
    const { sink, canon } = setup();
    const client = trackRedis(new Redis(URL));
    try {
      await client.set(key('m'), 'x');
      await canon.run({}, async () => {
        await client.pipeline().get(key('m')).get(key('nothing')).exec();
        await client.multi().get(key('m')).exec();
      });
    } finally {
      await client.quit();
    }
    expect(sink.events[0].cache).toMatchObject({ commands: 5, hits: 1, misses: 1 }); // 2 + MULTI, GET, EXEC
  });

  it('ioredis auto-pipelining: each command counts for the unit that issued it', async () => {
    const { sink, canon } = setup();
    const client = trackRedis(new Redis(URL, { enableAutoPipelining: true }));
    try {
      await client.set(key('ap'), 'x');
      // issued in one tick: ioredis sends them as one pipeline, from the first caller's context
      const one = canon.run({ n: 1 }, () => client.get(key('ap')));
      const three = canon.run({ n: 3 }, () =>
        Promise.all([client.get(key('ap')), client.get(key('none')), client.mget(key('ap'), key('none'))]),
      );
      const outside = client.get(key('ap')); // outside a unit: recorded nowhere
      expect(client.autoPipelineQueueSize).toBe(5);
      await Promise.all([one, three, outside]);
    } finally {
      await client.quit();
    }
    const byN = Object.fromEntries(sink.events.map((e) => [e.n, e.cache]));
    expect(byN[1]).toMatchObject({ commands: 1, hits: 1, misses: 0 });
    expect(byN[3]).toMatchObject({ commands: 3, hits: 2, misses: 2 });
  });

  it('refuses what is not a Redis client', () => {
    expect(() => trackRedis({})).toThrow(/`trackRedis\(client\)`/);
    expect(() => trackRedis(null as never)).toThrow(
      expect.objectContaining({ code: 'CANON_INVALID_OPTION' }),
    );
  });
});

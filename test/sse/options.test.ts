import http from 'node:http';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { CanonOptionError } from '../../src/index.js';
import {
  createSseHub,
  pgBackplane,
  redisBackplane,
  type SseBackplane,
  type SseHub,
} from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function optionError(fn: () => unknown): CanonOptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CanonOptionError);
    expect((err as CanonOptionError).code).toBe('CANON_INVALID_OPTION');
    return err as CanonOptionError;
  }
  throw new Error('expected a CanonOptionError');
}

describe('canon/sse bad input', () => {
  it('rejects invalid hub options, naming the option', () => {
    expect(optionError(() => createSseHub({ heartbeatMs: -1 })).option).toBe('heartbeatMs');
    expect(optionError(() => createSseHub({ heartbeatMs: 2 ** 31 })).option).toBe('heartbeatMs');
    expect(optionError(() => createSseHub({ retryMs: 1.5 })).option).toBe('retryMs');
    expect(optionError(() => createSseHub({ replay: { size: -3 } })).option).toBe('replay.size');
    expect(optionError(() => createSseHub({ replay: 10 as never })).option).toBe('replay');
    expect(optionError(() => createSseHub({ maxBufferBytes: 0 })).option).toBe('maxBufferBytes');
    expect(optionError(() => createSseHub({ canon: {} as never })).option).toBe('canon');
    expect(optionError(() => createSseHub({ backplane: { publish() {} } as never })).option).toBe(
      'backplane',
    );
  });

  it('rejects invalid publishes without delivering anything', () => {
    const hub = createSseHub();
    cleanups.push(() => hub.close());
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(optionError(() => hub.publish('', { data: 1 })).option).toBe('channel');
    expect(optionError(() => hub.publish(undefined as never, { data: 1 })).option).toBe('channel');
    expect(optionError(() => hub.publish('a', null as never)).option).toBe('message');
    expect(optionError(() => hub.publish('a', { data: undefined })).option).toBe('message.data');
    expect(optionError(() => hub.publish('a', { data: circular })).option).toBe('message.data');
    expect(optionError(() => hub.publish('a', { data: 10n })).option).toBe('message.data');
    expect(optionError(() => hub.publish('a', { event: 'a\nb', data: 1 })).option).toBe('message.event');
    expect(optionError(() => hub.publish('a', { id: 'x\ry', data: 1 })).option).toBe('message.id');
    expect(optionError(() => hub.publish('a', { id: 'x\0y', data: 1 })).option).toBe('message.id');
    expect(optionError(() => hub.publishToUser('', { data: 1 })).option).toBe('userId');
    expect(hub.stats().events_published).toBe(0);
  });

  it('rejects invalid connect options before writing the response', async () => {
    const hub = createSseHub();
    const errors: string[] = [];
    const server = await listen(
      http.createServer((req, res) => {
        try {
          const query = new URL(req.url!, 'http://x').searchParams.get('case');
          if (query === 'string') hub.connect(req, res, { channels: 'a' as never });
          else if (query === 'empty') hub.connect(req, res, { channels: [] });
          else hub.connect(req, res, { channels: ['a'], filter: 'yes' as never });
        } catch (err) {
          errors.push((err as CanonOptionError).option);
          res.statusCode = 400;
          res.end();
        }
      }),
    );
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    for (const c of ['string', 'empty', 'filter'])
      expect((await fetch(`${server.url}/?case=${c}`)).status).toBe(400);
    expect(errors).toEqual(['channels', 'channels', 'filter']);
    expect(hub.stats().clients).toBe(0);
  });

  it('rejects invalid backplane arguments', () => {
    expect(optionError(() => redisBackplane({} as never)).option).toBe('client');
    expect(optionError(() => redisBackplane({ call() {} } as never, { channel: '' })).option).toBe('channel');
    expect(optionError(() => pgBackplane(undefined as never)).option).toBe('pool');
    const pool = { query: async () => ({ rows: [] }), connect: async () => ({}) } as never;
    expect(optionError(() => pgBackplane(pool, { channel: 'Bad-Name' })).option).toBe('channel');
    expect(optionError(() => pgBackplane(pool, { schema: 'x; drop table y' })).option).toBe('schema');
    expect(optionError(() => pgBackplane(pool, { reconnectMs: -1 })).option).toBe('reconnectMs');
  });

  it('types publish as string without a backplane and Promise<string> with one', () => {
    const plain = () => createSseHub({ heartbeatMs: 1_000 });
    expectTypeOf(plain).returns.toEqualTypeOf<SseHub<string>>();
    const withBackplane = (backplane: SseBackplane) => createSseHub({ backplane });
    expectTypeOf(withBackplane).returns.toEqualTypeOf<SseHub<Promise<string>>>();
    expectTypeOf<SseHub<Promise<string>>['publish']>().returns.toEqualTypeOf<Promise<string>>();
  });
});

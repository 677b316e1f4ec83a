import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteStore } from '../../src/outbox/index.js';
import { createWebhooks, DEFAULT_SCHEDULE } from '../../src/webhooks/index.js';
import { parseRetryAfter, resolveSchedule, retryDelay } from '../../src/webhooks/schedule.js';

describe('the retry schedule', () => {
  it('defaults to immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(resolveSchedule(undefined)).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(DEFAULT_SCHEDULE).toHaveLength(8);
  });

  it('jitters each retry up by at most 10%, and ends with the schedule', () => {
    expect(retryDelay(DEFAULT_SCHEDULE, 1, undefined, () => 0)).toBe(5_000);
    expect(retryDelay(DEFAULT_SCHEDULE, 1, undefined, () => 1)).toBe(5_500);
    expect(retryDelay(DEFAULT_SCHEDULE, 7, undefined, () => 0.5)).toBe(37_800_000);
    expect(retryDelay(DEFAULT_SCHEDULE, 8)).toBeUndefined();
  });

  it('lets Retry-After postpone a retry (capped at a day), never hasten it', () => {
    expect(retryDelay([0, 50], 1, 2_000, () => 0)).toBe(2_000);
    expect(retryDelay([0, 300_000], 1, 2_000, () => 0)).toBe(300_000);
    expect(retryDelay([0, 50], 1, 10 * 86_400_000, () => 0)).toBe(86_400_000);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('createWebhooks options', () => {
  const db = new PGlite();
  const store = pgliteStore(db);
  afterAll(() => db.close());

  it.each([
    [{}, /`store`: expected pgStore\(pool\) or pgliteStore\(db\)/],
    [{ store, colour: 1 }, /`colour`: unknown option/],
    [{ store, schedule: [] }, /`schedule`/],
    [{ store, schedule: [0, -5] }, /`schedule\[1\]`/],
    [{ store, schedule: [0, 1.5] }, /`schedule\[1\]`/],
    [{ store, timeoutMs: 0 }, /`timeoutMs`/],
    [{ store, leaseMs: 10 }, /`leaseMs`/],
    [{ store, disableAfterMs: -1 }, /`disableAfterMs`/],
    [{ store, allowPrivateNetworks: 'yes' }, /`allowPrivateNetworks`/],
    [{ store, tablePrefix: 'hooks; DROP TABLE users' }, /`tablePrefix`/],
    [{ store, tablePrefix: 'x'.repeat(45) }, /`tablePrefix`/],
    [{ store, canon: {} }, /`canon`/],
    [{ store, userAgent: 'a\r\nb: c' }, /`userAgent`/],
    [{ store, onError: 'log' }, /`onError`/],
    [{ store, propagateTrace: 'yes' }, /`propagateTrace`/],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => createWebhooks(options as never)).toThrow(message);
    expect(() => createWebhooks(options as never)).toThrow(TypeError);
  });

  it('migrates idempotently and refuses non-envelopes and bad transactions in send', async () => {
    const webhooks = createWebhooks({ store });
    await webhooks.migrate();
    await webhooks.migrate();
    expect(await webhooks.endpoints.list()).toEqual([]);
    await expect(webhooks.send('order.placed' as never)).rejects.toThrow(/not an event envelope/);
    const event = {
      id: 'e1',
      type: 'order.placed',
      version: 1,
      timestamp: '',
      source: 's',
      correlation_id: 'c',
      causation_id: null,
      data: {},
      metadata: {},
    };
    await expect(webhooks.send(event, { tx: {} as never })).rejects.toThrow(/`tx`/);
    expect(await webhooks.send(event)).toEqual({ deliveries: 0 });
  });
});

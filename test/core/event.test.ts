import diagnostics_channel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { storage } from '../../src/core/context.js';
import { createCanon, enrich, getWideEvent, memorySink } from '../../src/index.js';

function setup(config: Parameters<typeof createCanon>[0] = {}) {
  const sink = memorySink();
  const canon = createCanon({ service: 'test', sinks: [sink], handleExit: false, ...config });
  return { sink, canon };
}

describe('the event handle', () => {
  it('deep-merges objects, replaces arrays, and ignores prototype-pollution keys', async () => {
    const { sink, canon } = setup();
    await canon.run({ kind: 'job' }, (event) => {
      event.enrich({ user: { id: 'u1', tags: ['a', 'b'] } });
      event.enrich({ user: { plan: 'pro', tags: ['c'] } });
      event.enrich(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'));
      event.enrich({ user: JSON.parse('{"__proto__": {"polluted": true}}') });
      event.set('__proto__.polluted', true);
      event.set('a.constructor.prototype.polluted', true);
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(sink.events[0].user).toEqual({ id: 'u1', plan: 'pro', tags: ['c'] });
    expect(Object.keys(sink.events[0])).not.toContain('constructor');
  });

  it('sets, gets and counts by dot-path, and ignores invalid paths', async () => {
    const { sink, canon } = setup();
    await canon.run({}, (event) => {
      event.set('payment.provider', 'stripe');
      event.set('', 'ignored');
      event.set('a..b', 'ignored');
      expect(event.get('payment.provider')).toBe('stripe');
      expect(event.get('payment.missing.deep')).toBeUndefined();
      event.count('cache.misses');
      event.count('cache.misses');
      event.count('cache.hits', 5);
    });
    expect(sink.events[0]).toMatchObject({ payment: { provider: 'stripe' }, cache: { misses: 2, hits: 5 } });
    expect(sink.events[0]['']).toBeUndefined();
  });

  it('times with a stop function and around sync and async functions', async () => {
    const { sink, canon } = setup();
    await canon.run({}, async (event) => {
      const stop = event.time('timings.manual_ms');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stop()).toBeGreaterThanOrEqual(15);
      expect(event.time('timings.sync_ms', () => 7)).toBe(7);
      const value = await event.time('timings.async_ms', async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return 'done';
      });
      expect(value).toBe('done');
      await expect(
        event.time('timings.failed_ms', async () => {
          throw new Error('x');
        }),
      ).rejects.toThrow('x');
    });
    const timings = sink.events[0].timings;
    expect(timings.manual_ms).toBeGreaterThanOrEqual(15);
    expect(timings.async_ms).toBeGreaterThanOrEqual(8);
    expect(typeof timings.sync_ms).toBe('number');
    expect(typeof timings.failed_ms).toBe('number');
  });

  it('normalizes marked errors: cause chains, AggregateError members, extra fields, no stack by default', async () => {
    const { sink, canon } = setup();
    const root = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    const err = Object.assign(new Error('payment failed', { cause: new Error('gateway', { cause: root }) }), {
      status: 502,
      retriable: true,
    });
    await canon.run({}, (event) => event.markError(err, { step: 'charge' }));
    await canon.run({}, (event) =>
      event.markError(new AggregateError([new TypeError('a'), 'plain string'], 'several failed')),
    );
    const [first, second] = sink.events;
    expect(first.outcome).toBe('error');
    expect(first.error).toEqual({
      type: 'Error',
      message: 'payment failed',
      status: 502,
      retriable: true,
      step: 'charge',
      cause: {
        type: 'Error',
        message: 'gateway',
        cause: { type: 'Error', message: 'connection refused', code: 'ECONNREFUSED' },
      },
    });
    expect(second.error).toEqual({
      type: 'AggregateError',
      message: 'several failed',
      errors: [
        { type: 'TypeError', message: 'a' },
        { type: 'string', message: 'plain string' },
      ],
    });
  });

  it('stops following causes after five levels, even for a cycle', async () => {
    const { sink, canon } = setup();
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    await canon.run({}, (event) => event.markError(a));
    let depth = 0;
    for (let e = sink.events[0].error; e?.cause; e = e.cause) depth++;
    expect(depth).toBe(5);
  });

  it('includes stacks only when includeStack is set', async () => {
    const { sink, canon } = setup({ includeStack: true });
    await canon.run({}, (event) => event.markError(new Error('with stack')));
    expect(sink.events[0].error?.stack).toContain('with stack');
  });

  it('drops, counts and publishes writes made after the event was emitted', async () => {
    const { sink, canon } = setup();
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    diagnostics_channel.subscribe('canon:late-write', listener);
    try {
      let kept: ReturnType<typeof getWideEvent>;
      await canon.run({}, (event) => {
        kept = event;
      });
      expect(() => {
        kept!.set('late', 1).enrich({ later: 2 }).count('c').markError(new Error('late'));
      }).not.toThrow();
      expect(canon.stats().late_writes).toBe(4);
      expect(messages).toHaveLength(4);
      expect(messages[0]).toMatchObject({ request_id: kept!.request_id, operation: 'set', path: 'late' });
      expect(sink.events).toHaveLength(1);
      expect(sink.events[0].late).toBeUndefined();
    } finally {
      diagnostics_channel.unsubscribe('canon:late-write', listener);
    }
  });
});

describe('context', () => {
  it('getWideEvent returns the run handle in nested async code and nothing outside', async () => {
    const { canon } = setup();
    expect(getWideEvent()).toBeUndefined();
    expect(() => enrich({ ignored: true })).not.toThrow();
    await canon.run({}, async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(getWideEvent()).toBe(event);
      await new Promise<void>((resolve) =>
        queueMicrotask(() => {
          expect(getWideEvent()).toBe(event);
          resolve();
        }),
      );
    });
    expect(getWideEvent()).toBeUndefined();
  });

  it('shares one AsyncLocalStorage through globalThis', () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('canon.context')]).toBe(storage);
  });
});

describe('canon.run', () => {
  it('emits one job event, kind from fields, outcome error and rethrow when fn throws', async () => {
    const { sink, canon } = setup();
    expect(await canon.run({ job: { name: 'report' } }, () => 42)).toBe(42);
    await expect(
      canon.run({ kind: 'message' }, async () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(sink.events).toHaveLength(2);
    expect(sink.events[0]).toMatchObject({ kind: 'job', outcome: 'success', job: { name: 'report' } });
    expect(sink.events[1]).toMatchObject({
      kind: 'message',
      outcome: 'error',
      error: { message: 'handler failed' },
    });
  });

  it('nested run is a child unit: same trace, linked to its parent', async () => {
    const { sink, canon } = setup();
    await canon.run({ kind: 'job' }, async (parent) => {
      await canon.run({ kind: 'job', step: 'child' }, async (child) => {
        expect(getWideEvent()).toBe(child);
        expect(child.trace_id).toBe(parent.trace_id);
      });
      expect(getWideEvent()).toBe(parent);
    });
    const [child, parent] = sink.events;
    expect(child.parent_request_id).toBe(parent.request_id);
    expect(child.parent_span_id).toBe(parent.span_id);
    expect(child.trace_id).toBe(parent.trace_id);
    expect(child.request_id).not.toBe(parent.request_id);
  });

  it('static fields and environment fields appear on every event without leaking between events', async () => {
    process.env.DEPLOYMENT_ID = 'dep-7';
    const fields = { app: { region: 'eu', zones: ['a'] }, tags: ['base'] };
    const { sink, canon } = setup({ version: '1.2.3', fields });
    delete process.env.DEPLOYMENT_ID;
    await canon.run({}, (event) => {
      event.enrich({ app: { extra: true } });
      (event.get('tags') as string[]).push('first-only');
      (event.get('app.zones') as string[]).push('b');
    });
    await canon.run({}, () => {});
    expect(sink.events[0]).toMatchObject({
      version: '1.2.3',
      deployment_id: 'dep-7',
      app: { region: 'eu', extra: true, zones: ['a', 'b'] },
      tags: ['base', 'first-only'],
    });
    expect(sink.events[1].app).toEqual({ region: 'eu', zones: ['a'] });
    expect(sink.events[1].tags).toEqual(['base']);
    expect(fields).toEqual({ app: { region: 'eu', zones: ['a'] }, tags: ['base'] });
  });

  it('calls plugins at start and on the finalized copy', async () => {
    const seen: string[] = [];
    const { sink, canon } = setup({
      redact: { fields: ['secret'] },
      plugins: [
        {
          name: 'probe',
          onStart: (event) => {
            seen.push(`start:${event.request_id}`);
            event.set('plugin.started', true);
          },
          onFinalize: (event) => {
            seen.push(`finalize:${event.secret}`);
            event.plugin_added = true;
          },
        },
        {
          name: 'broken',
          onStart: () => {
            throw new Error('x');
          },
          onFinalize: () => {
            throw new Error('y');
          },
        },
      ],
    });
    await canon.run({ secret: 'hunter2' }, () => {});
    expect(seen).toEqual([`start:${sink.events[0].request_id}`, 'finalize:[REDACTED]']);
    expect(sink.events[0]).toMatchObject({
      plugin: { started: true },
      plugin_added: true,
      outcome: 'success',
    });
  });
});

describe('count with what an unchecked request gives it', () => {
  it('ignores an n that is not a number instead of throwing (found by test/fuzz/handle.test.ts)', async () => {
    const { canon, sink } = setup();
    await canon.run({ kind: 'job' }, async (unit) => {
      unit.count('items', Object.create(null) as never);
      unit.count('items', '3' as never);
      unit.count('items', 2);
    });
    expect(sink.events[0].items).toBe(2);
  });
});

/**
 * What differs per Node.js line, run on each line of the matrix (.ci/matrix.sh): from 24,
 * AsyncLocalStorage is built on AsyncContextFrame instead of async_hooks, which changes how
 * context flows into thenables, EventEmitter listeners and diagnostics_channel subscribers.
 * These are the propagation rules Canon's users rely on, asserted alike on every line.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { EventEmitter, EventEmitterAsyncResource, once } from 'node:events';
import { setTimeout as delay, setImmediate as immediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createCanon, getWideEvent, memorySink, type WideEvent } from '../../src/index.js';

const canon = createCanon({ service: 'lines', sinks: [memorySink()], handleExit: false });
const inUnit = <T>(fn: (unit: WideEvent) => Promise<T>) => canon.run({ kind: 'job' }, fn);
const major = Number(process.versions.node.split('.')[0]);

describe(`context propagation on Node ${process.version}`, () => {
  it('keeps the unit across await, timers, immediates, nextTick and microtasks', async () => {
    await inUnit(async (unit) => {
      await delay(1);
      expect(getWideEvent()).toBe(unit);
      await immediate();
      expect(getWideEvent()).toBe(unit);
      const seen = await Promise.all([
        new Promise((resolve) => setTimeout(() => resolve(getWideEvent()), 1)),
        new Promise((resolve) => setImmediate(() => resolve(getWideEvent()))),
        new Promise((resolve) => process.nextTick(() => resolve(getWideEvent()))),
        new Promise((resolve) => queueMicrotask(() => resolve(getWideEvent()))),
        new Promise((resolve) => {
          const timer = setInterval(() => {
            clearInterval(timer);
            resolve(getWideEvent());
          }, 1);
        }),
      ]);
      expect(seen.every((handle) => handle === unit)).toBe(true);
    });
  });

  it('gives a thenable awaited inside a unit that unit', async () => {
    const thenable = { then: (resolve: (value: unknown) => void) => resolve(getWideEvent()) };
    await inUnit(async (unit) => {
      expect(await thenable).toBe(unit);
      expect(await Promise.resolve(thenable)).toBe(unit);
    });
  });

  it('runs a listener in the context of the emit() call, an async resource in its creator’s', async () => {
    const plain = new EventEmitter();
    const bound = await inUnit(async (unit) => {
      const resource = new EventEmitterAsyncResource({ name: 'canon-test' });
      return { resource, unit };
    });
    const heard: unknown[] = [];
    plain.on('ping', () => heard.push(getWideEvent()));
    bound.resource.on('ping', () => heard.push(getWideEvent()));
    await inUnit(async (unit) => {
      plain.emit('ping');
      bound.resource.emit('ping');
      expect(heard).toEqual([unit, bound.unit]);
      setTimeout(() => plain.emit('later'), 1);
      await once(plain, 'later');
      expect(getWideEvent()).toBe(unit);
    });
  });

  it('never leaks a unit into a concurrent one (200 interleaved units)', async () => {
    const wrong: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        inUnit(async (unit) => {
          unit.set('n', n);
          for (let step = 0; step < 3; step++) {
            await delay((n * 7 + step) % 5);
            if (getWideEvent() !== unit || unit.get('n') !== n) wrong.push(n);
          }
        }),
      ),
    );
    expect(wrong).toEqual([]);
    expect(getWideEvent()).toBeUndefined();
  });

  it('lets diagnostics_channel subscribers and tracing channels see the publishing unit', async () => {
    const channel = diagnostics_channel.channel(`canon:test:${major}`);
    const tracing = diagnostics_channel.tracingChannel(`canon:test-trace:${major}`);
    const seen: Record<string, unknown> = {};
    const onMessage = () => (seen.message = getWideEvent());
    const handlers = {
      start: () => (seen.start = getWideEvent()),
      end: () => undefined,
      asyncStart: () => (seen.asyncStart = getWideEvent()),
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    channel.subscribe(onMessage);
    tracing.subscribe(handlers);
    try {
      await inUnit(async (unit) => {
        channel.publish({});
        const inside = await tracing.tracePromise(async () => {
          await delay(1);
          return getWideEvent();
        }, {});
        expect(inside).toBe(unit);
        expect(seen).toEqual({ message: unit, start: unit, asyncStart: unit });
      });
    } finally {
      channel.unsubscribe(onMessage);
      tracing.unsubscribe(handlers);
    }
  });

  it('publishes canon:late-write to a subscriber by name, with the unit’s request id', async () => {
    const messages: { request_id?: string }[] = [];
    const listener = (message: unknown) => messages.push(message as { request_id?: string });
    diagnostics_channel.subscribe('canon:late-write', listener);
    try {
      const unit = await inUnit(async (unit) => unit);
      unit.set('too.late', true);
      expect(messages).toEqual([expect.objectContaining({ request_id: unit.request_id })]);
    } finally {
      diagnostics_channel.unsubscribe('canon:late-write', listener);
    }
  });
});

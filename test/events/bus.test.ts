import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEvent,
  createEventAsync,
  defineEvent,
  EventBus,
  type EventEnvelope,
} from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';

const OrderPlaced = defineEvent('order.placed', { schema: z.object({ order_id: z.string() }) });
const OrderShipped = defineEvent('order.shipped');
const ItemAdded = defineEvent('order.item.added');
const placed = () => createEvent(OrderPlaced, { order_id: 'o_1' });

describe('EventBus', () => {
  it('routes by exact type, entity.* (one segment) and *', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('order.placed', (e) => void seen.push(`exact:${e.type}`));
    bus.on('order.*', (e) => void seen.push(`order.*:${e.type}`));
    bus.on('*', (e) => void seen.push(`*:${e.type}`));
    await bus.publish(placed());
    await bus.publish(createEvent(OrderShipped, {}));
    await bus.publish(createEvent(ItemAdded, {}));
    expect(seen).toEqual([
      'exact:order.placed',
      'order.*:order.placed',
      '*:order.placed',
      'order.*:order.shipped',
      '*:order.shipped',
      '*:order.item.added',
    ]);
  });

  it('settles every handler: one failing never stops the others, and publish resolves with per-handler results', async () => {
    const bus = new EventBus();
    const ran: string[] = [];
    bus.on('order.placed', async function slowOk() {
      await new Promise((r) => setTimeout(r, 20));
      ran.push('slowOk');
    });
    bus.on('order.placed', function throwsSync() {
      throw new Error('sync boom');
    });
    bus.on('order.placed', async function rejects() {
      throw new Error('async boom');
    });
    bus.on('order.*', () => void ran.push('anon'));
    const results = await bus.publish(placed());
    expect(ran.sort()).toEqual(['anon', 'slowOk']);
    expect(results.map((r) => [r.handler, r.status])).toEqual([
      ['slowOk', 'fulfilled'],
      ['throwsSync', 'rejected'],
      ['rejects', 'rejected'],
      ['anonymous', 'fulfilled'],
    ]);
    expect((results[1].reason as Error).message).toBe('sync boom');
  });

  it('records each handler failure on the wide event in scope', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const bus = new EventBus();
    bus.on('order.placed', async function sendEmail() {
      throw Object.assign(new Error('smtp down'), { code: 'ECONNREFUSED' });
    });
    bus.on('order.placed', () => {});
    let id = '';
    await canon.run({}, async () => {
      const event = placed();
      id = event.id;
      await bus.publish(event);
    });
    expect(sink.events[0].event_handler_errors).toEqual([
      {
        event_type: 'order.placed',
        event_id: id,
        handler: 'sendEmail',
        error: { type: 'Error', message: 'smtp down', code: 'ECONNREFUSED' },
      },
    ]);
    expect(sink.events[0].outcome).toBe('success'); // a failed subscriber is not the unit's failure
  });

  it('with a definition, hands the handler the read (upcast, validated) envelope', async () => {
    const V2 = defineEvent('order.placed', {
      version: 2,
      schema: z.object({ order_id: z.string(), channel: z.string() }),
      upcast: { 1: (d: { order_id: string }) => ({ ...d, channel: 'web' }) },
    });
    const bus = new EventBus();
    const got: EventEnvelope[] = [];
    bus.on(V2, (event) => void got.push(event));
    const publishing = bus.publish(placed()); // a v1 event
    expect(got).toHaveLength(1); // started synchronously inside publish, like a plain handler
    const results = await publishing;
    expect(got[0]).toMatchObject({ version: 2, data: { order_id: 'o_1', channel: 'web' } });
    const bad = await bus.publish({ ...placed(), data: { nope: 1 } });
    expect(results[0].status).toBe('fulfilled');
    expect(bad[0].status).toBe('rejected'); // invalid data is that handler's failure
  });

  it('with a definition whose schema is async, validates asynchronously and delivers', async () => {
    const UserRegistered = defineEvent('user.registered', {
      schema: z.object({ email: z.string() }).refine(async (d) => d.email.includes('@'), 'not an email'),
    });
    const bus = new EventBus();
    const got: string[] = [];
    bus.on(UserRegistered, (event) => void got.push(event.data.email));
    const ok = await bus.publish(await createEventAsync(UserRegistered, { email: 'ada@example.com' }));
    const bad = await bus.publish({ ...placed(), type: 'user.registered', data: { email: 'x' } });
    expect(got).toEqual(['ada@example.com']);
    expect(ok[0].status).toBe('fulfilled');
    expect(bad[0]).toMatchObject({ status: 'rejected', reason: { code: 'CANON_INVALID_EVENT' } });
  });

  it('off and the returned unsubscribe remove a handler; no handlers resolves to []', async () => {
    const bus = new EventBus();
    let calls = 0;
    const handler = () => void calls++;
    const unsubscribe = bus.on('order.placed', handler);
    bus.on(OrderShipped, handler);
    expect(bus.listenerCount('order.placed')).toBe(1);
    unsubscribe();
    expect(bus.off(OrderShipped, handler)).toBe(true);
    expect(bus.off('order.placed', handler)).toBe(false);
    expect(await bus.publish(placed())).toEqual([]);
    expect(calls).toBe(0);
  });

  it('a handler unsubscribing during publish does not disturb that publish', async () => {
    const bus = new EventBus();
    const ran: string[] = [];
    const second = () => void ran.push('second');
    bus.on('order.placed', () => {
      bus.off('order.placed', second);
      ran.push('first');
    });
    bus.on('order.placed', second);
    await bus.publish(placed());
    await bus.publish(placed());
    expect(ran).toEqual(['first', 'second', 'first']);
  });

  it('refuses bad patterns, handlers and events clearly', () => {
    const bus = new EventBus();
    expect(() => bus.on('', () => {})).toThrow(/`pattern`/);
    expect(() => bus.on('order.pla*', () => {})).toThrow(/whole segment/);
    expect(() => bus.on('order.placed', 'nope' as never)).toThrow(/`handler`/);
    expect(() => bus.publish({ type: 'order.placed' } as never)).toThrow(/not an event envelope/);
  });
});

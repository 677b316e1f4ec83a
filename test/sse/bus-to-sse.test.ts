import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, defineEvent, EventBus, type EventEnvelope } from '../../src/events/index.js';
import { CanonOptionError } from '../../src/index.js';
import { busToSse, createSseHub } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { rawClient, serveHub } from './helpers.js';

const OrderPlaced = defineEvent('order.placed', { version: 1 });
const OrderShipped = defineEvent('order.shipped', { version: 1 });
const UserNotified = defineEvent('user.notified', { version: 1 });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const hub = createSseHub();
  const server = await serveHub(hub);
  cleanups.push(
    () => server.close(),
    () => hub.close(),
  );
  const client = (query: string) => {
    const c = rawClient(`${server.url}/?${query}`);
    cleanups.push(() => c.close());
    return c;
  };
  return { hub, client };
}

type Data = { customer?: string; user?: string };

describe('busToSse with canon/events EventBus', () => {
  it('streams domain events to a channel, the event type as the SSE event name', async () => {
    const { hub, client } = await setup();
    const bus = new EventBus();
    busToSse<EventEnvelope<Data>>(bus, hub, { channel: (event) => event.type.split('.')[0] });
    const orders = client('channels=order');
    await orders.response;
    await waitFor(() => hub.stats().clients === 1);
    const placed = createEvent(OrderPlaced, { customer: 'c_1' });
    const results = await bus.publish(placed);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    await bus.publish(createEvent(UserNotified, {}));
    await waitFor(() => orders.parsed().events.length === 1);
    const [event] = orders.parsed().events;
    expect(event.event).toBe('order.placed');
    expect(/^\d+$/.test(event.id!)).toBe(true);
    expect(JSON.parse(event.data)).toEqual(placed);
  });

  it('narrows to a user on the channel, or to the user alone without a channel, and maps data', async () => {
    const { hub, client } = await setup();
    const bus = new EventBus();
    busToSse<EventEnvelope<Data>>(bus, hub, {
      channel: (event) => (event.type === 'user.notified' ? undefined : 'orders'),
      user: (event) => event.data.user,
      data: (event) => ({ type: event.type, ...event.data }),
    });
    const alice = client('channels=orders&user=alice');
    const bob = client('channels=orders&user=bob');
    await Promise.all([alice.response, bob.response]);
    await waitFor(() => hub.stats().clients === 2);
    await bus.publish(createEvent(OrderPlaced, { user: 'alice' }));
    await bus.publish(createEvent(OrderShipped, {}));
    await bus.publish(createEvent(UserNotified, { user: 'bob' }));
    await waitFor(() => alice.parsed().events.length === 2 && bob.parsed().events.length === 2);
    expect(alice.parsed().events.map((e) => e.data)).toEqual([
      '{"type":"order.placed","user":"alice"}',
      '{"type":"order.shipped"}',
    ]);
    expect(bob.parsed().events.map((e) => e.data)).toEqual([
      '{"type":"order.shipped"}',
      '{"type":"user.notified","user":"bob"}',
    ]);
  });

  it('stops streaming when unsubscribed, and rejects a missing channel function', async () => {
    const { hub, client } = await setup();
    const bus = new EventBus();
    const stop = busToSse(bus, hub, { channel: () => 'all', pattern: 'order.*' });
    expect(bus.listenerCount()).toBe(1);
    const all = client('channels=all');
    await all.response;
    await waitFor(() => hub.stats().clients === 1);
    await bus.publish(createEvent(UserNotified, {})); // not matched by the pattern
    await bus.publish(createEvent(OrderPlaced, {}));
    stop();
    expect(bus.listenerCount()).toBe(0);
    await bus.publish(createEvent(OrderShipped, {}));
    expect(hub.stats().events_published).toBe(1);
    expect(() => busToSse(bus, hub, {} as never)).toThrow(CanonOptionError);
    expect(() => busToSse({} as never, hub, { channel: () => 'x' })).toThrow(/bus/);
  });
});

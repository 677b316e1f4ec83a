import { describe, expect, it } from 'vitest';
import { createSseHub, type SseHub } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { collect, hubFixture, rawClient, serveHub } from './helpers.js';

const { cleanups, setup } = hubFixture();

function waitClients(hub: SseHub, n: number) {
  return waitFor(() => hub.stats().clients === n, 5_000, `${n} clients`);
}

describe('canon/sse delivery', () => {
  it('sends the SSE headers and `retry:` first', async () => {
    const { url } = await setup({ retryMs: 2_500 });
    const client = rawClient(`${url}/?channels=a`);
    cleanups.push(() => client.close());
    const res = await client.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-accel-buffering']).toBe('no');
    await waitFor(() => client.text().length > 0);
    expect(client.text().startsWith('retry: 2500\n\n')).toBe(true);
  });

  it('delivers a channel only to its subscribers, with increasing ids across channels', async () => {
    const { hub, url } = await setup();
    const a = collect(`${url}/?channels=a`);
    const ab = collect(`${url}/?channels=a,b`);
    const b = collect(`${url}/?channels=b`);
    cleanups.push(
      () => a.source.close(),
      () => ab.source.close(),
      () => b.source.close(),
    );
    await Promise.all([a.opened, ab.opened, b.opened]);
    await waitClients(hub, 3);
    const id1 = hub.publish('a', { data: 'for a' });
    const id2 = hub.publish('b', { data: { n: 2 } });
    const id3 = hub.publish('c', { data: 'nobody' });
    expect([id1, id2, id3].every((id) => /^\d+$/.test(id))).toBe(true);
    expect(Number(id2)).toBe(Number(id1) + 1);
    expect(Number(id3)).toBe(Number(id2) + 1);
    await waitFor(() => ab.received.length === 2 && a.received.length === 1 && b.received.length === 1);
    expect(a.received).toEqual([{ type: 'message', data: 'for a', lastEventId: id1 }]);
    expect(b.received).toEqual([{ type: 'message', data: '{"n":2}', lastEventId: id2 }]);
    expect(ab.received.map((e) => e.lastEventId)).toEqual([id1, id2]);
  });

  it('reaches a user on any channel with publishToUser, and one user on a channel with userId', async () => {
    const { hub, url } = await setup();
    const alice1 = collect(`${url}/?channels=a&user=alice`, ['note']);
    const alice2 = collect(`${url}/?channels=b&user=alice`, ['note']);
    const bob = collect(`${url}/?channels=a&user=bob`, ['note']);
    cleanups.push(
      () => alice1.source.close(),
      () => alice2.source.close(),
      () => bob.source.close(),
    );
    await Promise.all([alice1.opened, alice2.opened, bob.opened]);
    await waitClients(hub, 3);
    hub.publishToUser('alice', { event: 'note', data: 'to alice' });
    hub.publish('a', { event: 'note', data: 'alice on a', userId: 'alice' });
    hub.publish('a', { event: 'note', data: 'everyone on a' });
    await waitFor(
      () => alice1.received.length === 3 && alice2.received.length === 1 && bob.received.length === 1,
    );
    expect(alice1.received.map((e) => e.data)).toEqual(['to alice', 'alice on a', 'everyone on a']);
    expect(alice2.received.map((e) => e.data)).toEqual(['to alice']);
    expect(bob.received.map((e) => e.data)).toEqual(['everyone on a']);
    expect(hub.stats()).toMatchObject({ clients: 3, users: 2, events_published: 3 });
  });

  it('lets a connection filter what it receives, seeing decoded data', async () => {
    const hub = createSseHub();
    const seen: unknown[] = [];
    const server = await serveHub(hub, {
      filter: (message) => {
        seen.push(message);
        return (message.data as { region?: string }).region === 'eu';
      },
    });
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const client = collect(`${server.url}/?channels=orders`, ['order.placed']);
    cleanups.push(() => client.source.close());
    await client.opened;
    await waitClients(hub, 1);
    hub.publish('orders', { event: 'order.placed', data: { region: 'us' } });
    const id = hub.publish('orders', { event: 'order.placed', data: { region: 'eu' } });
    await waitFor(() => client.received.length === 1);
    expect(client.received[0]).toEqual({ type: 'order.placed', data: '{"region":"eu"}', lastEventId: id });
    expect(seen[1]).toEqual({ channel: 'orders', event: 'order.placed', data: { region: 'eu' }, id });
  });

  it('splits multi-line data into data: lines that EventSource joins back', async () => {
    const { hub, url } = await setup();
    const client = collect(`${url}/?channels=a`);
    const raw = rawClient(`${url}/?channels=a`);
    cleanups.push(
      () => client.source.close(),
      () => raw.close(),
    );
    await client.opened;
    await waitClients(hub, 2);
    const id = hub.publish('a', { data: 'first\nsecond\r\nthird\rfourth\n' });
    await waitFor(() => client.received.length === 1 && raw.text().includes('fourth'));
    expect(client.received[0].data).toBe('first\nsecond\nthird\nfourth\n');
    expect(raw.text()).toContain(
      `id: ${id}\ndata: first\ndata: second\ndata: third\ndata: fourth\ndata: \n\n`,
    );
  });

  it('keeps custom ids and event names on the wire', async () => {
    const { hub, url } = await setup();
    const raw = rawClient(`${url}/?channels=a`);
    cleanups.push(() => raw.close());
    await raw.response;
    await waitClients(hub, 1);
    expect(hub.publish('a', { id: 'evt_1', event: 'order.placed', data: 42 })).toBe('evt_1');
    await waitFor(() => raw.parsed().events.length === 1);
    expect(raw.parsed().events[0]).toEqual({ id: 'evt_1', event: 'order.placed', data: '42' });
  });
});

import http from 'node:http';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { createSseHub, type SseClient } from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { hubFixture, rawClient, serveHub } from './helpers.js';

const { cleanups, setup } = hubFixture();

async function connectWith(url: string, lastEventId: string) {
  const client = rawClient(url, { 'last-event-id': lastEventId });
  cleanups.push(() => client.close());
  await client.response;
  return client;
}

describe('canon/sse replay', () => {
  it('replays what a client missed, in order, before live events', async () => {
    const { hub, url } = await setup();
    const ids = ['a', 'b', 'a', 'a'].map((channel, i) => hub.publish(channel, { data: `e${i}` }));
    const client = await connectWith(`${url}/?channels=a`, ids[0]);
    await waitFor(() => client.parsed().events.length === 2);
    const live = hub.publish('a', { data: 'live' });
    await waitFor(() => client.parsed().events.length === 3);
    expect(client.parsed().events.map((e) => [e.id, e.data])).toEqual([
      [ids[2], 'e2'],
      [ids[3], 'e3'],
      [live, 'live'],
    ]);
  });

  it('replays to a reconnecting EventSource with the Last-Event-ID it sends itself', async () => {
    const hub = createSseHub({ retryMs: 20 });
    const handles: SseClient[] = [];
    const server = await listen(
      http.createServer((req, res) => handles.push(hub.connect(req, res, { channels: ['news'] }))),
    );
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const source = new EventSource(server.url);
    cleanups.push(() => source.close());
    const received: string[] = [];
    source.onmessage = (e) => received.push(`${e.lastEventId}:${e.data}`);
    await waitFor(() => hub.stats().clients === 1);
    const first = hub.publish('news', { data: 'one' });
    await waitFor(() => received.length === 1);
    handles[0].close(); // the server ends the stream; EventSource reconnects after `retry`
    await waitFor(() => hub.stats().clients === 0);
    const missed = [hub.publish('news', { data: 'two' }), hub.publish('news', { data: 'three' })];
    await waitFor(() => received.length === 3);
    expect(received).toEqual([`${first}:one`, `${missed[0]}:two`, `${missed[1]}:three`]);
    expect(handles).toHaveLength(2);
  });

  it('sends `event: reset` when the id is older than the buffer, then live events', async () => {
    const { hub, url } = await setup({ replay: { size: 3 } });
    const ids = Array.from({ length: 6 }, (_, i) => hub.publish('a', { data: `e${i}` }));
    const client = await connectWith(`${url}/?channels=a`, ids[0]);
    await waitFor(() => client.parsed().events.length === 1);
    const [reset] = client.parsed().events;
    expect(reset).toEqual({
      id: ids[5],
      event: 'reset',
      data: JSON.stringify({ reason: 'too_old', last_event_id: ids[0] }),
    });
    const live = hub.publish('a', { data: 'live' });
    await waitFor(() => client.parsed().events.length === 2);
    expect(client.parsed().events[1]).toMatchObject({ id: live, data: 'live' });
    // the buffer now holds e4, e5, live: the id just before them still replays in full
    const covered = await connectWith(`${url}/?channels=a`, ids[3]);
    await waitFor(() => covered.parsed().events.length === 3);
    expect(covered.parsed().events.map((e) => e.data)).toEqual(['e4', 'e5', 'live']);
  });

  it('sends `event: reset` instead of a replay larger than maxBufferBytes; the client stays', async () => {
    // 100 events of 49 bytes: 4 900 bytes, but 5 500 on the wire with HTTP chunk framing.
    // Replayed at once they would pass maxBufferBytes: the client would be dropped, reconnect
    // with the same id and be dropped again, forever
    const { hub, url } = await setup({ maxBufferBytes: 5_000 });
    const ids = Array.from({ length: 101 }, () => hub.publish('a', { data: 'x'.repeat(20) }));
    expect(Buffer.byteLength(`id: ${ids[1]}\ndata: ${'x'.repeat(20)}\n\n`)).toBe(49);
    const behind = await connectWith(`${url}/?channels=a`, ids[0]);
    await waitFor(() => behind.parsed().events.length === 1);
    expect(behind.parsed().events[0]).toEqual({
      id: ids[100],
      event: 'reset',
      data: JSON.stringify({ reason: 'too_large', last_event_id: ids[0] }),
    });
    const live = hub.publish('a', { data: 'live' });
    await waitFor(() => behind.parsed().events.length === 2);
    expect(behind.parsed().events[1]).toEqual({ id: live, data: 'live' });
    expect(hub.stats()).toMatchObject({ clients: 1, clients_dropped: 0 });
    // a backlog that fits is replayed in full
    const recent = await connectWith(`${url}/?channels=a`, ids[20]);
    await waitFor(() => recent.parsed().events.length === 81);
    expect(recent.parsed().events.map((e) => e.id)).toEqual([...ids.slice(21), live]);
    expect(hub.stats()).toMatchObject({ clients: 2, clients_dropped: 0 });
  });

  it('resets ids it cannot place (garbage, or from a previous run of the process)', async () => {
    const { hub, url } = await setup();
    hub.publish('a', { data: 'x' });
    const garbage = await connectWith(`${url}/?channels=a`, 'not-an-id');
    const future = await connectWith(`${url}/?channels=a`, String(Number.MAX_SAFE_INTEGER));
    const before = await connectWith(`${url}/?channels=a`, '12');
    await waitFor(() => [garbage, future, before].every((c) => c.parsed().events.length === 1));
    expect(garbage.parsed().events[0].data).toContain('"reason":"unknown"');
    expect(future.parsed().events[0].data).toContain('"reason":"unknown"');
    expect(before.parsed().events[0].data).toContain('"reason":"too_old"');
  });

  it('sends nothing to a client that is up to date, and replays after custom ids', async () => {
    const { hub, url } = await setup();
    const head = hub.publish('a', { data: 'x' });
    hub.publish('a', { id: 'evt_1', data: 'custom 1' });
    hub.publish('a', { id: 'evt_2', data: 'custom 2' });
    const upToDate = await connectWith(`${url}/?channels=a`, 'evt_2');
    const custom = await connectWith(`${url}/?channels=a`, 'evt_1');
    const numeric = await connectWith(`${url}/?channels=a`, head);
    await waitFor(() => custom.parsed().events.length === 1 && numeric.parsed().events.length === 2);
    expect(custom.parsed().events).toEqual([{ id: 'evt_2', data: 'custom 2' }]);
    expect(numeric.parsed().events.map((e) => e.id)).toEqual(['evt_1', 'evt_2']);
    hub.publish('a', { data: 'live' });
    await waitFor(() => upToDate.parsed().events.length === 1);
    expect(upToDate.parsed().events[0].data).toBe('live');
  });

  it('replays only what the client subscribes to: its channels, its user, its filter', async () => {
    const hub = createSseHub();
    const server = await serveHub(hub, { filter: (m) => m.data !== 'filtered' });
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const start = hub.publish('a', { data: 'start' });
    hub.publish('b', { data: 'other channel' });
    hub.publishToUser('bob', { data: 'to bob' });
    hub.publishToUser('alice', { data: 'to alice' });
    hub.publish('a', { data: 'filtered' });
    hub.publish('a', { data: 'bob on a', userId: 'bob' });
    hub.publish('a', { data: 'end' });
    const client = await connectWith(`${server.url}/?channels=a&user=alice`, start);
    await waitFor(() => client.parsed().events.length === 2);
    expect(client.parsed().events.map((e) => e.data)).toEqual(['to alice', 'end']);
  });

  it('takes the last id from the lastEventId option when no header is sent; the header wins', async () => {
    const hub = createSseHub();
    const server = await listen(
      http.createServer((req, res) => {
        const lastEventId = new URL(req.url!, 'http://x').searchParams.get('lastEventId') ?? undefined;
        hub.connect(req, res, { channels: ['a'], lastEventId });
      }),
    );
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const ids = ['one', 'two', 'three'].map((data) => hub.publish('a', { data }));
    const byQuery = rawClient(`${server.url}/?lastEventId=${ids[0]}`);
    const byHeader = rawClient(`${server.url}/?lastEventId=${ids[0]}`, { 'last-event-id': ids[1] });
    cleanups.push(
      () => byQuery.close(),
      () => byHeader.close(),
    );
    await waitFor(() => byQuery.parsed().events.length === 2 && byHeader.parsed().events.length === 1);
    expect(byQuery.parsed().events.map((e) => e.data)).toEqual(['two', 'three']);
    expect(byHeader.parsed().events.map((e) => e.data)).toEqual(['three']);
  });

  it('keeps no history with replay: false', async () => {
    const { hub, url } = await setup({ replay: false });
    const first = hub.publish('a', { data: 'gone' });
    const head = hub.publish('a', { data: 'gone too' });
    const old = await connectWith(`${url}/?channels=a`, first);
    const current = await connectWith(`${url}/?channels=a`, head);
    await waitFor(() => old.parsed().events.length === 1);
    expect(old.parsed().events[0].event).toBe('reset');
    hub.publish('a', { data: 'live' });
    await waitFor(() => current.parsed().events.length === 1);
    expect(current.parsed().events[0].data).toBe('live');
  });
});

/**
 * The contract every SSE backplane meets, run against real Redis and real PostgreSQL:
 * two hubs joined by it deliver to each other's clients in one order with identical
 * ids, and a client can reconnect to the other instance with Last-Event-ID.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSseHub, type SseBackplane, type SseHub } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { collect, rawClient, serveHub } from './helpers.js';

export interface BackplaneFixture {
  /** A new backplane instance (its own connections) on the run's shared channel. */
  make(): SseBackplane;
  /** Drops the run's channel/schema/keys and closes shared clients. */
  teardown(): Promise<void>;
}

export function describeBackplane(name: string, setup: () => Promise<BackplaneFixture>): void {
  describe(`canon/sse ${name} backplane`, () => {
    const cleanups: (() => unknown)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function instances(count: number) {
      const fixture = await setup();
      cleanups.push(() => fixture.teardown());
      const started: { hub: SseHub<Promise<string>>; url: string }[] = [];
      for (let i = 0; i < count; i++) started.push(await instance(fixture));
      return { fixture, started };
    }

    async function instance(fixture: BackplaneFixture) {
      const hub = createSseHub({ backplane: fixture.make() });
      const server = await serveHub(hub);
      cleanups.push(
        () => server.close(),
        () => hub.close(),
      );
      await hub.ready();
      return { hub, url: server.url };
    }

    it("delivers to each other's clients in one order with identical ids", async () => {
      const { started } = await instances(2);
      const [a, b] = started;
      const onA = collect(`${a.url}/?channels=news`);
      const onB = collect(`${b.url}/?channels=news`);
      cleanups.push(
        () => onA.source.close(),
        () => onB.source.close(),
      );
      await Promise.all([onA.opened, onB.opened]);
      await waitFor(() => a.hub.stats().clients === 1 && b.hub.stats().clients === 1);
      const ids = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hub.publish('news', { data: `n${i}` })),
      );
      await waitFor(() => onA.received.length === 40 && onB.received.length === 40, 10_000, 'all events');
      expect(onA.received).toEqual(onB.received);
      const seen = onA.received.map((e) => Number(e.lastEventId));
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(new Set(seen).size).toBe(40);
      expect([...ids].map(Number).sort((x, y) => x - y)).toEqual(seen);
      for (const event of onA.received) {
        expect(ids[Number(event.data.slice(1))]).toBe(event.lastEventId);
      }
    });

    it('replays to a client that reconnects to the other instance', async () => {
      const { started } = await instances(2);
      const [a, b] = started;
      const first = rawClient(`${a.url}/?channels=news`);
      cleanups.push(() => first.close());
      await first.response;
      await waitFor(() => a.hub.stats().clients === 1);
      const seenId = await a.hub.publish('news', { data: 'seen' });
      await waitFor(() => first.parsed().events.length === 1);
      first.close();
      const missed = [
        await a.hub.publish('news', { data: 'missed 1' }),
        await b.hub.publish('other', { data: 'not subscribed' }),
        await b.hub.publish('news', { data: 'missed 2' }),
      ];
      await waitFor(() => b.hub.stats().events_published === 2);
      const again = rawClient(`${b.url}/?channels=news`, { 'last-event-id': seenId });
      cleanups.push(() => again.close());
      await waitFor(() => again.parsed().events.length === 2, 5_000, 'the replay');
      expect(again.parsed().events).toEqual([
        { id: missed[0], data: 'missed 1' },
        { id: missed[2], data: 'missed 2' },
      ]);
      const live = await a.hub.publish('news', { data: 'live' });
      await waitFor(() => again.parsed().events.length === 3);
      expect(again.parsed().events[2]).toEqual({ id: live, data: 'live' });
    });

    it('resets a client whose id predates an instance that started later', async () => {
      const { fixture, started } = await instances(1);
      const old = await started[0].hub.publish('news', { data: 'before' });
      await started[0].hub.publish('news', { data: 'also before' });
      const late = await instance(fixture);
      const client = rawClient(`${late.url}/?channels=news`, { 'last-event-id': old });
      cleanups.push(() => client.close());
      await waitFor(() => client.parsed().events.length === 1);
      expect(client.parsed().events[0]).toMatchObject({ event: 'reset' });
      expect(client.parsed().events[0].data).toContain('"reason":"too_old"');
    });

    it('reaches a user connected to the other instance', async () => {
      const { started } = await instances(2);
      const [a, b] = started;
      const alice = rawClient(`${b.url}/?channels=x&user=alice`);
      const bob = rawClient(`${b.url}/?channels=x&user=bob`);
      cleanups.push(
        () => alice.close(),
        () => bob.close(),
      );
      await Promise.all([alice.response, bob.response]);
      await waitFor(() => b.hub.stats().clients === 2);
      const id = await a.hub.publishToUser('alice', { event: 'note', data: { text: 'hi' } });
      await waitFor(() => alice.parsed().events.length === 1);
      expect(alice.parsed().events[0]).toEqual({ id, event: 'note', data: '{"text":"hi"}' });
      await a.hub.publish('x', { data: 'everyone' });
      await waitFor(() => bob.parsed().events.length === 1);
      expect(bob.parsed().events[0].data).toBe('everyone');
    });
  });
}

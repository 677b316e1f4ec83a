/**
 * `createEventStream` in Chromium against a real `canon/sse` hub (and, for repeats, a
 * hand-written SSE server): resume after drops with no event lost or repeated, `reset`,
 * backoff, types, pause while hidden, close.
 */
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSseHub } from '../../src/sse/index.js';
import type { SseClient } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { type Chromium, launchChromium } from './chromium.js';
import { html, startServer, type TestServer } from './server.js';

interface Connection {
  url: URL;
  lastEventIdHeader: string | undefined;
  res: http.ServerResponse;
  client: SseClient | undefined;
  at: number;
}

let browser: Chromium;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** A page that opens `createEventStream(url, options)` and keeps what it hears on `window`. */
function streamPage(url: string, options: string): string {
  return html(`
    import { createEventStream } from '/canon/browser/index.js';
    window.received = []; window.statuses = []; window.resets = [];
    window.stream = createEventStream(${JSON.stringify(url)}, {
      onEvent: (event) => received.push(event),
      onStatus: (status) => statuses.push(status),
      onReset: (reset) => resets.push(reset),
      ${options}
    });
  `);
}

describe('createEventStream against a canon/sse hub', () => {
  let server: TestServer;
  let hub = createSseHub({ heartbeatMs: 0 });
  const connections: Connection[] = [];
  let refuse = 0;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/events') return void res.writeHead(404).end();
      const connection: Connection = {
        url,
        lastEventIdHeader: req.headers['last-event-id'] as string | undefined,
        res,
        client: undefined,
        at: Date.now(),
      };
      connections.push(connection);
      if (refuse > 0) {
        refuse--;
        return void res.writeHead(503).end('deploying');
      }
      connection.client = hub.connect(req, res, {
        channels: ['ticks'],
        lastEventId: url.searchParams.get('lastEventId') ?? undefined,
      });
    });
  });
  afterEach(async () => {
    await hub.close(); // ends every stream; the next test gets a new hub
    hub = createSseHub({ heartbeatMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const live = (count: number) => () => connections.length === count && hub.stats().clients === 1;

  it('a stream dropped by the server three times resumes with no event lost or repeated', async () => {
    connections.length = 0;
    const page = await browser.newPage();
    server.page('/resume', streamPage('/events', `types: ['tick'], retry: { minMs: 50, maxMs: 200 }`));
    await page.goto(`${server.url}/resume`);
    await waitFor(live(1), 10_000, 'the first connection');

    const published: string[] = [];
    let n = 0;
    const publish = (count: number) => {
      for (let i = 0; i < count; i++) published.push(hub.publish('ticks', { event: 'tick', data: { n: ++n } }));
    };
    const receivedIds = () => page.evaluate(() => (globalThis as any).received.map((e: { id: string }) => e.id) as string[]);
    const polled = (check: () => Promise<boolean>, label: string) => waitFor(check, 10_000, label);

    publish(3);
    await polled(async () => (await receivedIds()).length === 3, '3 events');

    // 1: the server ends the stream (EventSource alone would reconnect with Last-Event-ID)
    connections[0]!.client!.close();
    publish(3); // while the page is disconnected
    await polled(async () => live(2)() && (await receivedIds()).length === 6, 'resume after the server closed');

    // 2: the connection is cut
    connections[1]!.res.socket!.destroy();
    publish(2);
    await polled(async () => live(3)() && (await receivedIds()).length === 8, 'resume after a cut');

    // 3: the server closes and answers the next attempt with 503 (EventSource alone gives up)
    refuse = 1;
    connections[2]!.client!.close();
    publish(2);
    await polled(async () => live(5)() && (await receivedIds()).length === 10, 'resume after a 503');
    publish(2);

    await polled(async () => (await receivedIds()).length === 12, 'the last events');
    const ids = await receivedIds();
    expect(ids).toEqual(published);
    const data = await page.evaluate(() => (globalThis as any).received.map((e: { data: { n: number } }) => e.data.n));
    expect(data).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // each reconnect carried the last id the page had, in the URL (a new EventSource sends no header)
    expect(connections.map((c) => c.url.searchParams.get('lastEventId'))).toEqual([
      null,
      published[2],
      published[5],
      published[7],
      published[7],
    ]);
    expect(connections.every((c) => c.lastEventIdHeader === undefined)).toBe(true);
    expect(await page.evaluate(() => (globalThis as any).stream.lastEventId)).toBe(published[11]);
    expect(await page.evaluate(() => (globalThis as any).statuses)).toEqual([
      'connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open',
    ]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('calls onReset when the server cannot replay, then carries on from its newest id', async () => {
    connections.length = 0;
    hub.publish('ticks', { event: 'tick', data: { n: 0 } });
    const page = await browser.newPage();
    server.page('/reset', streamPage('/events', `types: ['tick'], lastEventId: 'from-another-life'`));
    await page.goto(`${server.url}/reset`);
    await waitFor(live(1), 10_000, 'the connection');
    const resets = await waitFor(
      async () => {
        const found = await page.evaluate(() => (globalThis as any).resets);
        return found.length > 0 ? found : undefined;
      },
      10_000,
      'the reset',
    );
    expect(resets).toEqual([
      { id: expect.stringMatching(/^\d+$/), event: 'reset', data: { reason: 'unknown', last_event_id: 'from-another-life' } },
    ]);
    const next = hub.publish('ticks', { event: 'tick', data: { n: 1 } });
    await waitFor(async () => (await page.evaluate(() => (globalThis as any).received.length)) === 1, 10_000, 'the next event');
    expect(await page.evaluate(() => (globalThis as any).received)).toEqual([{ id: next, event: 'tick', data: { n: 1 } }]);
    expect(await page.evaluate(() => (globalThis as any).stream.lastEventId)).toBe(next);
    await page.close();
  });

  it('receives only the listed types; data that is not JSON arrives as text', async () => {
    connections.length = 0;
    const page = await browser.newPage();
    server.page('/types', streamPage('/events', `types: ['order.placed', 'message']`));
    await page.goto(`${server.url}/types`);
    await waitFor(live(1), 10_000, 'the connection');
    hub.publish('ticks', { event: 'order.shipped', data: { id: 'o_0' } });
    const placed = hub.publish('ticks', { event: 'order.placed', data: { id: 'o_1' } });
    const plain = hub.publish('ticks', { data: 'hello\nworld' });
    await waitFor(async () => (await page.evaluate(() => (globalThis as any).received.length)) === 2, 10_000, 'two events');
    expect(await page.evaluate(() => (globalThis as any).received)).toEqual([
      { id: placed, event: 'order.placed', data: { id: 'o_1' } },
      { id: plain, event: 'message', data: 'hello\nworld' },
    ]);
    await page.close();
  });

  it('close() ends the connection for good', async () => {
    connections.length = 0;
    const page = await browser.newPage();
    server.page('/close', streamPage('/events', `types: ['tick'], retry: { minMs: 20, maxMs: 40 }`));
    await page.goto(`${server.url}/close`);
    await waitFor(live(1), 10_000, 'the connection');
    await page.evaluate(() => (globalThis as any).stream.close());
    await waitFor(() => hub.stats().clients === 0, 10_000, 'the server to see the client go');
    await new Promise((resolve) => setTimeout(resolve, 300)); // several retry periods: nothing comes back
    expect(connections).toHaveLength(1);
    expect(await page.evaluate(() => (globalThis as any).statuses)).toEqual(['connecting', 'open', 'closed']);
    await page.close();
  });

  it('pauseWhenHidden: closes while the page is hidden, resumes from the last id when shown', async () => {
    connections.length = 0;
    const page = await browser.newPage();
    server.page('/hidden', streamPage('/events', `types: ['tick'], pauseWhenHidden: true`));
    await page.goto(`${server.url}/hidden`);
    await waitFor(live(1), 10_000, 'the connection');
    const first = hub.publish('ticks', { event: 'tick', data: 1 });
    await waitFor(async () => (await page.evaluate(() => (globalThis as any).received.length)) === 1, 10_000, 'an event');
    const setVisibility = (state: string) =>
      page.evaluate((value) => {
        const { document, Event } = globalThis as any;
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await waitFor(() => hub.stats().clients === 0, 10_000, 'the pause');
    const missed = hub.publish('ticks', { event: 'tick', data: 2 });
    await setVisibility('visible');
    await waitFor(async () => (await page.evaluate(() => (globalThis as any).received.length)) === 2, 10_000, 'the missed event');
    expect(connections[1]!.url.searchParams.get('lastEventId')).toBe(first);
    expect((await page.evaluate(() => (globalThis as any).received)).map((e: { id: string }) => e.id)).toEqual([first, missed]);
    expect(await page.evaluate(() => (globalThis as any).statuses)).toEqual(['connecting', 'open', 'paused', 'connecting', 'open']);
    await page.close();
  });
});

describe('createEventStream against a server that repeats itself or refuses', () => {
  let server: TestServer;
  const attempts: { at: number; lastEventId: string | null }[] = [];
  let script: (attempt: number, res: http.ServerResponse) => void = () => {};

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/sse') return void res.writeHead(404).end();
      attempts.push({ at: Date.now(), lastEventId: url.searchParams.get('lastEventId') });
      script(attempts.length, res);
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('delivers each id once when a server replays what the page already has; events without an id always', async () => {
    attempts.length = 0;
    script = (attempt, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (attempt === 1) res.end('id: 1\ndata: "a"\n\nid: 2\ndata: "b"\n\nid: 3\ndata: "c"\n\n');
      else if (attempt === 2) res.end('id: 2\ndata: "b"\n\nid: 3\ndata: "c"\n\nid: 4\ndata: "d"\n\ndata: "no id"\n\nid: 5\ndata: "e"\n\n');
      else res.write(': idle\n\n');
    };
    const page = await browser.newPage();
    server.page('/repeat', streamPage('/sse', `retry: { minMs: 20, maxMs: 40 }`));
    await page.goto(`${server.url}/repeat`);
    await waitFor(async () => (await page.evaluate(() => (globalThis as any).received.length)) === 6, 10_000, 'six events');
    await waitFor(() => attempts.length >= 3, 10_000, 'the third connection');
    expect(await page.evaluate(() => (globalThis as any).received.map((e: { id: string; data: string }) => [e.id, e.data]))).toEqual([
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
      ['4', 'd'],
      ['', 'no id'],
      ['5', 'e'],
    ]);
    expect(attempts.slice(0, 3).map((a) => a.lastEventId)).toEqual([null, '3', '5']);
    await page.evaluate(() => (globalThis as any).stream.close());
    await page.close();
  });

  it('backs off exponentially with jitter while the server refuses', async () => {
    attempts.length = 0;
    script = (_attempt, res) => void res.writeHead(503).end();
    const page = await browser.newPage();
    server.page('/backoff', streamPage('/sse', `retry: { minMs: 40, maxMs: 5000 }`));
    await page.goto(`${server.url}/backoff`);
    await waitFor(() => attempts.length >= 6, 20_000, 'six attempts');
    await page.evaluate(() => (globalThis as any).stream.close());
    const gaps = attempts.slice(1, 6).map((a, i) => a.at - attempts[i]!.at);
    // retry i waits between half and all of 40 ms × 2^i: at least the half, whatever the load
    gaps.forEach((gap, i) => expect(gap, `gap ${i}: ${gaps}`).toBeGreaterThanOrEqual(20 * 2 ** i - 2));
    expect(gaps[4]).toBeGreaterThanOrEqual(320 - 2);
    await page.close();
  });

  it('bad options throw a TypeError naming the option', async () => {
    const page = await browser.newPage();
    server.page('/bad', html(`
      import { createEventStream } from '/canon/browser/index.js';
      window.errors = [
        () => createEventStream('', { onEvent() {} }),
        () => createEventStream('/sse', {}),
        () => createEventStream('/sse', { onEvent() {}, types: 'tick' }),
        () => createEventStream('/sse', { onEvent() {}, retry: { minMs: -1 } }),
      ].map((make) => { try { make(); return 'no error'; } catch (e) { return [e.name, e.code, e.option, e.message]; } });
    `));
    await page.goto(`${server.url}/bad`);
    const errors = await waitFor(() => page.evaluate(() => (globalThis as any).errors), 10_000, 'the results');
    expect(errors.map((e: string[]) => e.slice(0, 3))).toEqual([
      ['TypeError', 'CANON_INVALID_OPTION', 'url'],
      ['TypeError', 'CANON_INVALID_OPTION', 'onEvent'],
      ['TypeError', 'CANON_INVALID_OPTION', 'types'],
      ['TypeError', 'CANON_INVALID_OPTION', 'retry.minMs'],
    ]);
    expect(errors[2][3]).toBe('canon/browser: invalid option `types`: expected an array of event names, got string');
    await page.close();
  });
});

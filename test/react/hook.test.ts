/**
 * `useCanonEvents` on a real React page in Chromium, with React 18 and React 19, inside
 * StrictMode, against a real `canon/sse` hub whose connections are counted server-side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSseHub } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { bundlePage } from '../browser/build.js';
import { type Chromium, launchChromium } from '../browser/chromium.js';
import { startServer, type TestServer } from '../browser/server.js';

let browser: Chromium;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe.each([18, 19] as const)('useCanonEvents with React %i in StrictMode', (react) => {
  let server: TestServer;
  const hub = createSseHub({ heartbeatMs: 0 });
  /** Every stream the server opened, by channel. */
  const opened: string[] = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/events') return void res.writeHead(404).end();
      const channel = url.searchParams.get('channel') ?? 'ticks';
      opened.push(channel);
      hub.connect(req, res, { channels: [channel], lastEventId: url.searchParams.get('lastEventId') ?? undefined });
    });
    server.script('/app.js', await bundlePage('test/react/pages/events.tsx', react));
    // counts the EventSources the page creates, closed or not (one closed at once never reaches the server)
    const counting = `<script>
      window.eventSources = 0;
      window.EventSource = class extends EventSource { constructor(...args) { super(...args); window.eventSources++; } };
    </script>`;
    server.page('/', `<!doctype html><html><head><title>events</title>${counting}</head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>`);
  }, 60_000);
  afterAll(async () => {
    await hub.close();
    await server?.close();
  });

  it('shows the events, keeps the latest max, reconnects only when url changes, closes on unmount', async () => {
    const page = await browser.newPage();
    const text = (selector: string) => page.locator(selector).textContent();
    const items = () => page.locator('#events li').allTextContents();
    await page.goto(server.url);
    expect((await text('#version'))?.split('.')[0]).toBe(String(react));
    await waitFor(async () => (await text('#status')) === 'open', 10_000, 'the stream to open');
    expect(hub.stats().clients).toBe(1);

    const ids: string[] = [];
    for (let n = 1; n <= 8; n++) ids.push(hub.publish('ticks', { event: 'tick', data: { n } }));
    hub.publish('ticks', { event: 'other', data: { n: 99 } }); // not in types
    await waitFor(async () => (await text('#renders')) === '8', 10_000, 'eight events');
    expect(await items()).toEqual(['4', '5', '6', '7', '8']);
    expect(await text('#last')).toBe(ids[7]);
    // StrictMode's double mount and eight re-renders with new options: still one stream
    expect(opened).toEqual(['ticks']);
    expect(await page.evaluate(() => (globalThis as any).eventSources)).toBe(1);
    expect(hub.stats().clients).toBe(1);

    await page.evaluate(() => (globalThis as any).setMax(3));
    hub.publish('ticks', { event: 'tick', data: { n: 9 } });
    await waitFor(async () => (await text('#renders')) === '9', 10_000, 'the ninth event');
    expect(await items()).toEqual(['7', '8', '9']);
    expect(opened).toEqual(['ticks']);

    await page.evaluate(() => (globalThis as any).setUrl('/events?channel=news'));
    await waitFor(async () => opened.length === 2 && (await text('#status')) === 'open', 10_000, 'the new stream');
    await waitFor(() => hub.stats().clients === 1, 10_000, 'the old stream to close');
    expect(await items()).toEqual([]);
    hub.publish('news', { event: 'tick', data: { n: 100 } });
    await waitFor(async () => (await items()).length === 1, 10_000, 'the news event');
    expect(await items()).toEqual(['100']);

    await page.evaluate(() => (globalThis as any).setUrl(null));
    await waitFor(async () => (await text('#status')) === 'idle', 10_000, 'idle');
    await waitFor(() => hub.stats().clients === 0, 10_000, 'no stream');

    await page.evaluate(() => (globalThis as any).setUrl('/events'));
    await waitFor(async () => (await text('#status')) === 'open', 10_000, 'the stream again');
    await page.evaluate(() => (globalThis as any).hide());
    await page.locator('#gone').waitFor();
    await waitFor(() => hub.stats().clients === 0, 10_000, 'the unmount to close the stream');
    expect(opened).toEqual(['ticks', 'news', 'ticks']);
    expect(await page.evaluate(() => (globalThis as any).eventSources)).toBe(3);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});

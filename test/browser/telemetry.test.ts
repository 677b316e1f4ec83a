/**
 * `initTelemetry` in Chromium against `browserIngest` on real servers: uncaught errors and
 * rejections become `kind: 'browser'` events, beacons on page hide, CORS (beacons need no
 * preflight, JSON posts do), trace joining with the backend's events, the bounded queue,
 * `429`, sampling, Web Vitals, and nothing thrown into the page.
 */
import http from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserIngest } from '../../src/browser-ingest/index.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { bundlePage } from './build.js';
import { type Chromium, launchChromium } from './chromium.js';
import { html, startServer, type TestServer } from './server.js';

type Event = Record<string, any>;

let browser: Chromium;
const sink = memorySink();
const canon = createCanon({ service: 'shop-api', sinks: [sink], handleExit: false });
const events = sink.events as Event[];
let app: TestServer;
/** Headers the API saw, by path. */
const apiHeaders = new Map<string, http.IncomingHttpHeaders>();
/** Requests that reached the same-origin ingest: method and content type. */
const ingestRequests: string[] = [];

const ingest = browserIngest(canon, { origins: '*', fields: ['user.id', 'cart_items'] });
const limited = browserIngest(canon, { origins: '*', rateLimit: { max: 1, windowMs: 1000 } });

const browserEvents = (service: string) => events.filter((e) => e.kind === 'browser' && e.browser.service === service);
const global = (page: Page, name: string) => page.evaluate((key: string) => (globalThis as any)[key], name);

beforeAll(async () => {
  browser = await launchChromium();
  app = await startServer(
    canonNode(canon, (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/_canon/browser') {
        ingestRequests.push(`${req.method} ${req.headers['content-type'] ?? ''}`);
        return ingest(req, res);
      }
      if (path === '/_canon/limited') return limited(req, res);
      apiHeaders.set(path, req.headers);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true }));
    }),
  );
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page that starts telemetry with `options` and then runs `then`. */
function telemetryPage(options: string, then = '', head = ''): string {
  return html(
    `import { initTelemetry } from '/canon/browser/index.js';
     window.telemetry = initTelemetry({ endpoint: '/_canon/browser', ${options} });
     ${then}`,
    head,
  );
}

describe('initTelemetry: errors, logs and transport', () => {
  it('a thrown error and an unhandled rejection arrive as kind: browser events', async () => {
    const page = await browser.newPage();
    app.page('/shop', telemetryPage(`service: 'errors-web', release: '2.0.0', flushIntervalMs: 100`, `
      setTimeout(() => { throw new TypeError('cart is undefined'); });
      Promise.reject(new RangeError('too far'));
      Promise.reject('plain string');
    `));
    await page.goto(`${app.url}/shop?coupon=SECRET#top`);
    await waitFor(() => browserEvents('errors-web').length === 3, 10_000, 'three events');
    const traceId = await page.evaluate(() => (globalThis as any).telemetry.traceId);
    const byMessage = Object.fromEntries(browserEvents('errors-web').map((e) => [e.error.message, e]));
    expect(byMessage['cart is undefined']).toMatchObject({
      kind: 'browser',
      outcome: 'error',
      trace_id: traceId,
      browser: { type: 'error', url: `${app.url}/shop`, service: 'errors-web', release: '2.0.0', user_agent: expect.stringContaining('Chrome/') },
      error: { type: 'TypeError', stack: expect.stringContaining('TypeError: cart is undefined') },
    });
    expect(byMessage['too far']).toMatchObject({ browser: { type: 'rejection' }, error: { type: 'RangeError' } });
    expect(byMessage['plain string']).toMatchObject({ browser: { type: 'rejection' }, error: { type: 'string' } });
    expect(byMessage['plain string'].error).not.toHaveProperty('stack');
    expect(ingestRequests.every((r) => r === 'POST text/plain;charset=UTF-8')).toBe(true); // no preflight needed
    expect(page.errors.sort()).toEqual(['cart is undefined', 'plain string', 'too far']); // still uncaught for the page
    await page.close();
  });

  it('logs, captured errors and page fields; only the fields the ingest lists are kept', async () => {
    const page = await browser.newPage();
    app.page('/logs', telemetryPage(`service: 'logs-web', flushIntervalMs: 100, fields: { 'user.id': 'u_1', secret: 'x' }`, `
      telemetry.log.info('cart opened', { cart_items: 3, coupon: 'SECRET' });
      telemetry.set('user.id', 'u_2');
      try { JSON.parse('{'); } catch (err) { telemetry.captureError(err, { cart_items: 4 }); }
      telemetry.log.error('payment failed');
    `));
    await page.goto(`${app.url}/logs`);
    await waitFor(() => browserEvents('logs-web').length === 3, 10_000, 'three events');
    const [info, captured, error] = browserEvents('logs-web');
    expect(info).toMatchObject({ outcome: 'success', user: { id: 'u_1' }, cart_items: 3, browser: { type: 'log', level: 'info', message: 'cart opened' } });
    expect(info).not.toHaveProperty('coupon');
    expect(info).not.toHaveProperty('secret');
    expect(captured).toMatchObject({ outcome: 'error', user: { id: 'u_2' }, cart_items: 4, browser: { type: 'error', handled: true }, error: { type: 'SyntaxError' } });
    expect(error).toMatchObject({ browser: { type: 'log', level: 'error', message: 'payment failed' } });
    await page.close();
  });

  it('sends what is queued with sendBeacon when the page goes away', async () => {
    const page = await browser.newPage();
    app.page('/leave', telemetryPage(`service: 'beacon-web', flushIntervalMs: 600000`, `
      telemetry.log.info('one'); telemetry.log.info('two');
      window.queued = telemetry.stats().queued;
    `));
    await page.goto(`${app.url}/leave`);
    expect(await waitFor(() => global(page, 'queued'), 10_000, 'the page')).toBe(2);
    expect(browserEvents('beacon-web')).toEqual([]);
    await page.close({ runBeforeUnload: true });
    await waitFor(() => browserEvents('beacon-web').length === 2, 10_000, 'the beacon');
    expect(browserEvents('beacon-web').map((e) => e.browser.message)).toEqual(['one', 'two']);
  });

  it('keeps at most maxQueue records, dropping the oldest, and reports the count', async () => {
    const page = await browser.newPage();
    app.page('/full', telemetryPage(`service: 'queue-web', maxQueue: 3, maxBatch: 100, flushIntervalMs: 600000`, `
      for (const n of [1, 2, 3, 4, 5]) telemetry.log.info('log ' + n);
      window.before = telemetry.stats();
      telemetry.flush().then(() => (window.after = telemetry.stats()));
    `));
    await page.goto(`${app.url}/full`);
    expect(await waitFor(() => global(page, 'after'), 10_000, 'the flush')).toEqual({ queued: 0, sent: 3, dropped: 2 });
    expect(await global(page, 'before')).toEqual({ queued: 3, sent: 0, dropped: 2 });
    expect(browserEvents('queue-web').map((e) => [e.browser.message, e.browser.dropped])).toEqual([
      ['log 3', 2],
      ['log 4', 2],
      ['log 5', 2],
    ]);
    await page.close();
  });

  it('waits out a 429 (Retry-After) and sends again', async () => {
    const page = await browser.newPage();
    app.page('/limited', html(`
      import { initTelemetry } from '/canon/browser/index.js';
      window.telemetry = initTelemetry({ endpoint: '/_canon/limited', service: 'limited-web', maxBatch: 1, flushIntervalMs: 20 });
      telemetry.log.info('first');
      setTimeout(() => telemetry.log.info('second'), 100);
    `));
    await page.goto(`${app.url}/limited`);
    await waitFor(() => browserEvents('limited-web').length === 2, 15_000, 'both records');
    expect(limited.stats().rate_limited).toBeGreaterThanOrEqual(1);
    expect(browserEvents('limited-web').map((e) => e.browser.message)).toEqual(['first', 'second']);
    expect(await page.evaluate(() => (globalThis as any).telemetry.stats())).toEqual({ queued: 0, sent: 2, dropped: 0 });
    await page.close();
  });

  it('never throws into the page: odd fields and values, an unreachable endpoint', async () => {
    const closed = http.createServer();
    const { url: deadUrl, close } = await listen(closed);
    await close();
    const page = await browser.newPage();
    app.page('/odd', telemetryPage(`service: 'odd-web', flushIntervalMs: 100, fields: { 'user.id': 10n }`, `
      const cyclic = {}; cyclic.self = cyclic;
      telemetry.log.info('odd', { 'user.id': Symbol('x'), cart_items: NaN, big: 10n, cyclic, fn() {} });
      telemetry.log.warn({ toString() { throw new Error('no'); } });
      telemetry.captureError(Object.create(null));
      telemetry.vital(undefined);
      window.result = 'ok';
    `));
    await page.goto(`${app.url}/odd`);
    await waitFor(() => global(page, 'result'), 10_000, 'the page');
    await waitFor(() => browserEvents('odd-web').length >= 1, 10_000, 'the records');
    const [odd] = browserEvents('odd-web');
    expect(odd).toMatchObject({ browser: { message: 'odd' } });
    expect(odd).not.toHaveProperty('user');
    expect(odd).not.toHaveProperty('cart_items');
    const unreachable = await browser.newPage();
    unreachable.on('console', () => {}); // "Failed to load resource" is the browser's, not a page error
    app.page('/unreachable', html(`
      import { initTelemetry } from '/canon/browser/index.js';
      const telemetry = initTelemetry({ endpoint: '${deadUrl}/_canon/browser', service: 'dead-web', flushIntervalMs: 20 });
      telemetry.log.info('lost');
      await telemetry.flush();
      window.stats = telemetry.stats();
    `));
    await unreachable.goto(`${app.url}/unreachable`);
    expect(await waitFor(() => global(unreachable, 'stats'), 10_000, 'the failed send')).toEqual({ queued: 1, sent: 0, dropped: 0 });
    expect(page.errors).toEqual([]);
    expect(unreachable.errors).toEqual([]);
    await page.close();
    await unreachable.close();
  });

  it('sampleRate 0 sends nothing; bad options throw a TypeError naming the option', async () => {
    const page = await browser.newPage();
    app.page('/options', telemetryPage(`service: 'unsampled-web', sampleRate: 0, flushIntervalMs: 20`, `
      telemetry.log.info('not sent');
      window.sampled = telemetry.sampled;
      window.errors = [{ service: 'x' }, { endpoint: '/e', service: '' }, { endpoint: '/e', service: 'x', sampleRate: 2 }, { endpoint: '/e', service: 'x', propagateTo: ['api'] }]
        .map((options) => { try { initTelemetry(options); return 'no error'; } catch (e) { return [e.name, e.code, e.option]; } });
    `));
    await page.goto(`${app.url}/options`);
    expect(await waitFor(() => global(page, 'errors'), 10_000, 'the page')).toEqual([
      ['TypeError', 'CANON_INVALID_OPTION', 'endpoint'],
      ['TypeError', 'CANON_INVALID_OPTION', 'service'],
      ['TypeError', 'CANON_INVALID_OPTION', 'sampleRate'],
      ['TypeError', 'CANON_INVALID_OPTION', 'propagateTo'],
    ]);
    expect(await global(page, 'sampled')).toBe(false);
    await page.evaluate(() => (globalThis as any).telemetry.flush());
    expect(browserEvents('unsampled-web')).toEqual([]);
    await page.close();
  });
});

describe('initTelemetry: trace joining with the backend', () => {
  it("a page fetch to the app's API produces a backend event with the page record's trace_id", async () => {
    const page = await browser.newPage();
    app.page('/checkout', telemetryPage(`service: 'trace-web', propagateTo: ['/api'], flushIntervalMs: 100`, `
      const placed = await fetch('/api/orders?id=7', { method: 'POST', body: '{}' });
      window.echoed = placed.headers.get('x-request-id');
      await fetch(new Request('/api/items', { headers: { 'x-custom': 'kept' } }));
      await fetch('/other');
      await fetch('/apiary');
      await fetch('/api/mine', { headers: { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' } });
      await telemetry.flush();
      window.done = true;
    `));
    await page.goto(`${app.url}/checkout`);
    await waitFor(() => global(page, 'done'), 10_000, 'the page');
    const traceId = await page.evaluate(() => (globalThis as any).telemetry.traceId);
    const http = (path: string) => events.find((e) => e.kind === 'http' && e.path === path)!;
    const records = browserEvents('trace-web');
    expect(records.map((e) => e.browser.fetch.path)).toEqual(['/api/orders', '/api/items']);
    const [orders, items] = records;
    expect(orders).toMatchObject({
      trace_id: traceId,
      browser: { type: 'fetch', fetch: { method: 'POST', path: '/api/orders', status_code: 200, request_id: await global(page, 'echoed') } },
    });
    expect(orders.browser.fetch.duration_ms).toBeGreaterThanOrEqual(0);
    // the backend's event: same trace, the page's call as its parent span, the same request id
    expect(http('/api/orders')).toMatchObject({
      trace_id: traceId,
      parent_span_id: orders.span_id,
      request_id: orders.browser.fetch.request_id,
      method: 'POST',
    });
    expect(http('/api/items')).toMatchObject({ trace_id: traceId, parent_span_id: items.span_id });
    expect(apiHeaders.get('/api/items')?.['x-custom']).toBe('kept');
    // other paths and a call the page traces itself go out untouched
    for (const path of ['/other', '/apiary']) {
      expect(apiHeaders.get(path)?.traceparent, path).toBeUndefined();
      expect(http(path).trace_id, path).not.toBe(traceId);
    }
    expect(apiHeaders.get('/api/mine')?.traceparent).toBe('00-11111111111111111111111111111111-2222222222222222-01');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('a page served with <meta name="traceparent"> joins the trace of the request that rendered it', async () => {
    const page = await browser.newPage();
    const meta = '<meta name="traceparent" content="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01">';
    app.page('/rendered', telemetryPage(`service: 'meta-web', propagateTo: ['/api'], flushIntervalMs: 100`, `
      telemetry.log.info('rendered');
      await fetch('/api/rendered');
      await telemetry.flush();
      window.done = true;
    `, meta));
    await page.goto(`${app.url}/rendered`);
    await waitFor(() => global(page, 'done'), 10_000, 'the page');
    const [log, call] = browserEvents('meta-web');
    expect(log).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', parent_span_id: 'b7ad6b7169203331' });
    expect(call).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', parent_span_id: 'b7ad6b7169203331' });
    expect(events.find((e) => e.kind === 'http' && e.path === '/api/rendered')).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      parent_span_id: call.span_id,
    });
    await page.close();
  });
});

describe('initTelemetry: another origin', () => {
  let other: TestServer;
  let ingestServer: { url: string; close(): Promise<void> };
  const seen: string[] = [];
  /** `sec-fetch-mode` of each request: `no-cors` for sendBeacon, `cors` for fetch. */
  const modes: string[] = [];

  beforeAll(async () => {
    other = await startServer();
    const crossIngest = browserIngest(canon, { origins: [app.url] });
    ingestServer = await listen(
      http.createServer((req, res) => {
        seen.push(`${req.method} ${req.headers.origin}`);
        modes.push(String(req.headers['sec-fetch-mode']));
        crossIngest(req, res);
      }),
    );
  });
  afterAll(async () => {
    await other?.close();
    await ingestServer?.close();
  });

  function crossPage(service: string): string {
    return html(`
      import { initTelemetry } from '/canon/browser/index.js';
      const telemetry = initTelemetry({ endpoint: '${ingestServer.url}/ingest', service: '${service}', flushIntervalMs: 600000 });
      telemetry.log.info('beacon');
      await telemetry.flush();
      window.afterBeacon = telemetry.stats();
      window.json = await fetch('${ingestServer.url}/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: '${service}', records: [{ type: 'log', level: 'info', message: 'json', timestamp: Date.now(), url: location.href }] }),
      }).then((r) => r.json(), (e) => e.name);
    `);
  }

  it('an allowed origin: text/plain goes without preflight; JSON is preflighted, then accepted', async () => {
    seen.length = 0;
    modes.length = 0;
    const page = await browser.newPage();
    app.page('/cross', crossPage('cross-web'));
    await page.goto(`${app.url}/cross`);
    expect(await waitFor(() => global(page, 'json'), 10_000, 'the page')).toEqual({ accepted: 1, dropped: 0 });
    expect(await global(page, 'afterBeacon')).toEqual({ queued: 0, sent: 1, dropped: 0 });
    expect(seen).toEqual([`POST ${app.url}`, `OPTIONS ${app.url}`, `POST ${app.url}`]);
    expect(modes).toEqual(['cors', 'cors', 'cors']); // the telemetry's keepalive fetch, then the page's
    expect(browserEvents('cross-web').map((e) => e.browser.message)).toEqual(['beacon', 'json']);
    await page.close();
  });

  it('sendBeacon to another origin on page hide: no preflight; refused with 403 from an origin not allowed', async () => {
    seen.length = 0;
    modes.length = 0;
    const beaconPage = (service: string) =>
      html(`
        import { initTelemetry } from '/canon/browser/index.js';
        const telemetry = initTelemetry({ endpoint: '${ingestServer.url}/ingest', service: '${service}', flushIntervalMs: 600000 });
        telemetry.log.info('bye');
        window.ready = true;
      `);
    app.page('/beacon-cross', beaconPage('cross-beacon-web'));
    other.page('/beacon-cross', beaconPage('evil-beacon-web'));
    for (const server of [app, other]) {
      const page = await browser.newPage();
      await page.goto(`${server.url}/beacon-cross`);
      await waitFor(() => global(page, 'ready'), 10_000, 'the page');
      await page.close({ runBeforeUnload: true });
      await waitFor(() => seen.length === (server === app ? 1 : 2), 10_000, 'the beacon');
    }
    expect(seen).toEqual([`POST ${app.url}`, `POST ${other.url}`]);
    expect(modes).toEqual(['no-cors', 'no-cors']); // sendBeacon's mode for a text/plain body
    expect(browserEvents('cross-beacon-web').map((e) => e.browser.message)).toEqual(['bye']);
    expect(browserEvents('evil-beacon-web')).toEqual([]);
  });

  it('an origin not allowed: the text/plain post gets 403 and the JSON preflight fails; no event', async () => {
    seen.length = 0;
    const page = await browser.newPage();
    page.on('console', () => {}); // the CORS failure is reported on the console, not thrown
    other.page('/cross', crossPage('evil-web'));
    await page.goto(`${other.url}/cross`);
    expect(await waitFor(() => global(page, 'json'), 10_000, 'the page')).toBe('TypeError');
    expect(await global(page, 'afterBeacon')).toEqual({ queued: 1, sent: 0, dropped: 0 }); // unreadable answer: kept for later
    expect(seen).toEqual([`POST ${other.url}`, `OPTIONS ${other.url}`]);
    expect(browserEvents('evil-web')).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});

describe('initTelemetry: navigation timing and Web Vitals through web-vitals', () => {
  it('navigation: true sends one navigation record; onTTFB/onFCP/onLCP(telemetry.vital) send vitals', async () => {
    app.script('/vitals.js', await bundlePage('test/browser/pages/vitals.ts'));
    app.page('/vitals', `<!doctype html><html><head><title>vitals</title></head><body><h1>Cart</h1><p>three items</p><script type="module" src="/vitals.js"></script></body></html>`);
    const page = await browser.newPage();
    await page.goto(`${app.url}/vitals`);
    await waitFor(() => browserEvents('shop-web').some((e) => e.browser.type === 'navigation'), 10_000, 'the navigation record');
    await waitFor(
      () => ['TTFB', 'FCP'].every((name) => browserEvents('shop-web').some((e) => e.browser.vital?.name === name)),
      10_000,
      'TTFB and FCP',
    );
    await page.close({ runBeforeUnload: true }); // LCP is final when the page is hidden
    await waitFor(() => browserEvents('shop-web').some((e) => e.browser.vital?.name === 'LCP'), 10_000, 'LCP');
    const navigation = browserEvents('shop-web').find((e) => e.browser.type === 'navigation')!;
    expect(navigation.browser.navigation).toMatchObject({ type: 'navigate', ttfb_ms: expect.any(Number), load_ms: expect.any(Number) });
    expect(navigation.browser.navigation.load_ms).toBeGreaterThan(0);
    const fcp = browserEvents('shop-web').find((e) => e.browser.vital?.name === 'FCP')!;
    expect(fcp.browser.vital).toMatchObject({ value: expect.any(Number), rating: expect.stringMatching(/^(good|needs-improvement|poor)$/), id: expect.stringMatching(/^v\d+-/), navigation_type: 'navigate' });
  });
});

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core (installed
 * by .ci/chromium.sh), against a real Express app and PostgreSQL.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { createRelay, type Relay } from '../../src/outbox/index.js';
import { waitFor } from '../helpers/wait.js';
import { type App, type PgSchema, pgSchema, startApp } from './helpers.js';

export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

const OrderPlaced = defineEvent('order.placed');

describe('the console in Chromium', () => {
  const canon = createCanon({ service: 'browser-test', sinks: [memorySink()], handleExit: false, redact: { fields: ['user.email'] } });
  let db: PgSchema;
  let app: App;
  let relay: Relay;
  let brokerUp = false;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    db = await pgSchema('canon_console_browser');
    relay = createRelay({
      outbox: db.outbox,
      pollIntervalMs: 50,
      publish: async () => {
        if (!brokerUp) throw Object.assign(new Error('broker refused: no route'), { retriable: false });
      },
    });
    await relay.start();
    app = await startApp(canon, { outbox: db.outbox }, (express) => {
      express.get('/hello/:n', (req, res) => {
        req.canon.set('user', { id: `u_${req.params.n}`, email: 'ada@example.com' });
        res.send('hi');
      });
      express.get('/boom', () => {
        throw new Error('boom');
      });
      express.get('/order', async (_req, res) => {
        await canon.run({ kind: 'job', job: { name: 'reserve' } }, () => new Promise((r) => setTimeout(r, 20)));
        await canon.run({ kind: 'job', job: { name: 'charge' } }, () => new Promise((r) => setTimeout(r, 10)));
        res.send('ok');
      });
    });
    browser = await chromium.launch(CHROMIUM);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await relay?.stop();
    await db?.close();
  });

  it('loads (redirected to the mount path with a slash) and opens on the Live page, streaming', async () => {
    await fetch(`${app.url}/hello/0`);
    await page.goto(`${app.url}/_canon`);
    expect(page.url()).toBe(`${app.url}/_canon/`);
    expect(await page.title()).toBe('Canon console');
    await page.waitForSelector('.status-dot[data-status="live"]', { timeout: 10_000 });
    expect(await page.locator('nav a.active').textContent()).toBe('Live');
    expect(await page.locator('nav a').allTextContents()).toEqual(['Live', 'Query', 'Trace', 'Outbox', 'Webhooks', 'Dead letters']);
    await page.waitForSelector('tr.event');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
  });

  it('a request to the app appears in Live within 2 s, redacted', async () => {
    const res = await fetch(`${app.url}/hello/42`);
    const requestId = res.headers.get('x-request-id')!;
    const row = page.locator(`tr.event[data-request-id="${requestId}"]`);
    await row.waitFor({ timeout: 2_000 });
    expect(await row.locator('td.name').textContent()).toBe('GET /hello/:n');
    await row.click();
    const detail = await page.locator('tr.detail pre').first().textContent();
    expect(detail).toContain('"u_42"');
    expect(detail).toContain('[REDACTED]');
    expect(await page.content()).not.toContain('ada@example.com');
    await row.click();
  });

  it('highlights errors, and filters with the expressions of canon tail --where', async () => {
    const res = await fetch(`${app.url}/boom`);
    const requestId = res.headers.get('x-request-id')!;
    const row = page.locator(`tr.event[data-request-id="${requestId}"]`);
    await row.waitFor({ timeout: 2_000 });
    expect(await row.getAttribute('class')).toContain('error');
    await page.fill('input.filter', 'status_code >= 500');
    await page.waitForFunction(() => {
      const cells: { textContent: string }[] = [...(globalThis as any).document.querySelectorAll('tr.event td.status')];
      return cells.length > 0 && cells.every((cell) => Number(cell.textContent) >= 500);
    });
    // new events are filtered by the server too
    const ok = await fetch(`${app.url}/hello/after-filter`);
    const boom = await fetch(`${app.url}/boom`);
    await page.locator(`tr.event[data-request-id="${boom.headers.get('x-request-id')}"]`).waitFor({ timeout: 2_000 });
    expect(await page.locator(`tr.event[data-request-id="${ok.headers.get('x-request-id')}"]`).count()).toBe(0);
    await page.fill('input.filter', 'status_code >=');
    await page.locator('.filter-error', { hasText: 'invalid filter' }).waitFor({ timeout: 5_000 });
    await page.fill('input.filter', '');
    await page.locator(`tr.event[data-request-id="${ok.headers.get('x-request-id')}"]`).waitFor({ timeout: 5_000 });
  });

  it('Query returns the right count', async () => {
    for (let i = 0; i < 5; i++) await fetch(`${app.url}/hello/q${i}`);
    await waitFor(() => app.console.sink.entries().filter((e) => e.line.includes('"u_q')).length === 5);
    await page.click('nav a[data-page="query"]');
    await page.fill('textarea.sql', "SELECT count(*) AS n FROM events WHERE user.id LIKE 'u_q%'");
    await page.click('button:has-text("Run")');
    await page.locator('.summary', { hasText: '1 row' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.results th').allTextContents()).toEqual(['n']);
    expect(await page.locator('.results td').allTextContents()).toEqual(['5']);
  });

  it('Trace renders the spans of a trace in order, children under their parent', async () => {
    const res = await fetch(`${app.url}/order`);
    const requestId = res.headers.get('x-request-id');
    const entry = await waitFor(() => app.console.sink.entries().find((e) => e.line.includes(`"request_id":"${requestId}"`)));
    const traceId = JSON.parse(entry.line).trace_id;
    await page.goto(`${app.url}/_canon/#trace/${traceId}`);
    await page.locator('.span').nth(2).waitFor({ timeout: 10_000 });
    const spans = await page.locator('.span').evaluateAll((rows) =>
      rows.map((row) => [Number(row.getAttribute('data-depth')), row.querySelector('.name')!.textContent]),
    );
    expect(spans).toEqual([
      [0, 'GET /order'],
      [1, 'job reserve'],
      [1, 'job charge'],
    ]);
    const bars = await page.locator('.span-bar').evaluateAll((els) => els.map((el) => parseFloat(/left:([\d.]+)%/.exec(el.getAttribute('style') ?? '')![1])));
    expect(bars[0]).toBe(0);
    expect(bars[2]).toBeGreaterThan(bars[1]);
  });

  it('a dead outbox row disappears after Redrive', async () => {
    const event = createEvent(OrderPlaced, { order_id: 'o_browser' });
    await db.pool.query('BEGIN');
    await db.outbox.enqueue(db.pool, event);
    await db.pool.query('COMMIT');
    const deadline = Date.now() + 10_000;
    while ((await db.outbox.stats()).dead === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await page.click('nav a[data-page="outbox"]');
    const row = page.locator(`tr[data-id="${event.id}"]`);
    await row.waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain('broker refused: no route');
    brokerUp = true;
    await row.locator('button.redrive').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('.note', { hasText: '1 redriven' }).waitFor({ timeout: 5_000 });
    expect((await db.outbox.stats()).dead).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

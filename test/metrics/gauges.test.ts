import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisStreamsPublisher, redisStreamsSource } from '../../src/brokers/redis-streams/index.js';
import { consume } from '../../src/consumer/index.js';
import { createEvent, defineEvent, EventBus } from '../../src/events/index.js';
import { createCanon, type Fields, memorySink } from '../../src/index.js';
import { canonMetrics, metricsHandler } from '../../src/metrics/index.js';
import { busPublisher, createOutbox, createRelay, pgliteStore } from '../../src/outbox/index.js';
import { createSseHub } from '../../src/sse/index.js';
import { createWebhooks } from '../../src/webhooks/index.js';
import { listen } from '../helpers/http.js';
import { parseExposition, valueOf } from '../helpers/prometheus-text.js';
import { waitFor } from '../helpers/wait.js';

const OrderPlaced = defineEvent('order.placed');
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Canon with the metrics plugin, and its `/metrics` endpoint on a real server. */
async function observed() {
  const metrics = canonMetrics({ meterProvider: false });
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, plugins: [metrics] });
  const server = await listen(http.createServer(metricsHandler(metrics)));
  closers.push(server.close);
  const scrape = async () => parseExposition(await (await fetch(server.url)).text());
  return { metrics, canon, sink, scrape };
}

const suffix = () => randomBytes(4).toString('hex');

/** One embedded PostgreSQL for the file (starting one takes seconds); each test has its own tables. */
let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(() => db.close());

describe('canon/metrics gauges and the eventing histograms', () => {
  it('outbox pending/dead/lag and publish durations, SSE clients, webhook deliveries (PGlite, real HTTP)', async () => {
    const { metrics, canon, sink, scrape } = await observed();
    const table = `outbox_${suffix()}`;
    const outbox = createOutbox({ store: pgliteStore(db), table });
    await outbox.migrate();
    await db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await outbox.enqueue(tx, createEvent(OrderPlaced, { i }));
    });
    const hub = createSseHub();
    closers.push(() => hub.close());
    metrics.watch({ outbox });
    metrics.watch({ sse: hub, name: 'notifications' });

    let families = await scrape();
    expect(valueOf(families, 'canon_outbox_pending', { name: table })).toBe(3);
    expect(valueOf(families, 'canon_outbox_dead', { name: table })).toBe(0);
    expect(valueOf(families, 'canon_outbox_lag_seconds', { name: table })).toBeGreaterThanOrEqual(0);
    expect(valueOf(families, 'canon_sse_clients', { name: 'notifications' })).toBe(0);

    const relay = createRelay({ outbox, publish: busPublisher(new EventBus()), canon, pollIntervalMs: 50 });
    await relay.start();
    closers.push(() => relay.stop());
    await waitFor(() => sink.events.filter((e) => e.kind === 'outbox').length === 3, 10_000, 'three publishes');
    const sseServer = await listen(http.createServer((req, res) => hub.connect(req, res, { channels: ['news'] })));
    closers.push(sseServer.close);
    const stream = await fetch(sseServer.url);
    closers.push(async () => stream.body?.cancel());
    await waitFor(() => hub.stats().clients === 1);

    await new Promise((resolve) => setTimeout(resolve, 300)); // past the readings shared by one collection
    families = await scrape();
    expect(valueOf(families, 'canon_outbox_pending', { name: table })).toBe(0);
    expect(valueOf(families, 'canon_sse_clients', { name: 'notifications' })).toBe(1);
    expect(
      valueOf(families, 'canon_outbox_publish_duration_seconds_count', {
        messaging_destination_name: 'order.placed',
        outbox_result: 'published',
        outcome: 'success',
      }),
    ).toBe(3);

    // webhooks: one delivery to a real receiver
    const received: string[] = [];
    const receiver = await listen(
      http.createServer((req, res) => {
        received.push(req.headers['webhook-id'] as string);
        res.end('ok');
      }),
    );
    closers.push(receiver.close);
    const webhooks = createWebhooks({
      store: pgliteStore(db),
      canon,
      tablePrefix: `hooks_${suffix()}`,
      allowPrivateNetworks: true,
      pollIntervalMs: 50,
    });
    await webhooks.migrate();
    await webhooks.endpoints.create({ url: `${receiver.url}/hooks`, events: ['order.*'] });
    metrics.watch({ webhooks, name: 'shop' });
    await webhooks.send(createEvent(OrderPlaced, { i: 9 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(valueOf(await scrape(), 'canon_webhook_pending', { name: 'shop' })).toBe(1);
    await webhooks.start();
    closers.push(() => webhooks.stop());
    await waitFor(() => sink.events.some((e) => e.kind === 'webhook'), 10_000, 'a delivery');
    const attempt = sink.events.find((e) => e.kind === 'webhook') as unknown as Fields & { webhook: Fields };
    await new Promise((resolve) => setTimeout(resolve, 300));
    families = await scrape();
    expect(
      valueOf(families, 'canon_webhook_delivery_duration_seconds_count', {
        server_address: attempt.webhook.host as string,
        webhook_status: 'delivered',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(valueOf(families, 'canon_webhook_pending', { name: 'shop' })).toBe(0);
    expect(received).toHaveLength(1);
  }, 60_000);

  it('consumer in-flight and message durations (Redis Streams)', async () => {
    const { metrics, canon, sink, scrape } = await observed();
    const client = new Redis(6379, '127.0.0.1');
    const stream = `canon:metrics:${suffix()}`;
    closers.push(async () => {
      await client.del(stream, `${stream}:dlq`);
      client.disconnect();
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await consume({
      canon,
      source: redisStreamsSource({ client, stream, group: 'billing', consumer: 'billing-1', blockMs: 200 }),
      handler: () => gate,
    });
    closers.push(() => consumer.stop());
    metrics.watch({ consumer, name: 'billing' });
    await redisStreamsPublisher({ client, stream })(createEvent(OrderPlaced, { i: 1 }), {
      topic: 'order.placed',
      key: null,
      attempt: 1,
    });
    await waitFor(() => consumer.stats().in_flight === 1, 10_000, 'a handler running');
    expect(valueOf(await scrape(), 'canon_consumer_in_flight', { name: 'billing' })).toBe(1);
    release();
    await waitFor(() => sink.events.some((e) => e.kind === 'message'), 10_000, 'the message event');
    const event = sink.events.find((e) => e.kind === 'message') as unknown as Fields & { message: Fields };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const families = await scrape();
    expect(valueOf(families, 'canon_consumer_in_flight', { name: 'billing' })).toBe(0);
    expect(
      valueOf(families, 'messaging_process_duration_seconds_count', {
        messaging_system: 'redis-streams',
        messaging_destination_name: event.message.subject_or_queue as string,
        messaging_consumer_group_name: event.message.consumer as string,
        message_result: 'acked',
        outcome: 'success',
      }),
    ).toBe(1);
  }, 30_000);

  it('refuses bad sources by name, and leaves out a source whose stats() fails', async () => {
    const { metrics, scrape } = await observed();
    expect(() => metrics.watch({} as never)).toThrow(/at least one/);
    expect(() => metrics.watch({ outbox: {} } as never)).toThrow(/metrics\.watch\.outbox/);
    expect(() => metrics.watch({ sse: createSseHub(), name: '' })).toThrow(/metrics\.watch\.name/);
    expect(() => metrics.watch({ queue: 1 } as never)).toThrow(/metrics\.watch\.queue/);
    const outbox = createOutbox({ store: pgliteStore(db), table: `gone_${suffix()}` }); // never migrated
    const stop = metrics.watch({ outbox });
    const families = await scrape();
    expect(families.get('canon_outbox_pending')!.samples).toEqual([]);
    stop();
  });
});

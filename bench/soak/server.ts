/**
 * The soak target: the checkout demo (examples/checkout: Express + PGlite orders +
 * outbox relay, webhooks to the demo's local receiver, the console mounted) behind one node:http server that also serves an SSE stream
 * (`/soak/stream`, canon/sse) fed by a Redis Streams consumer (canon/consumer), to which
 * this process publishes a message every 100 ms. Every SOAK_SAMPLE_MS it samples memory
 * (after a GC), event-loop delay, active handles, timers and listeners, and sends the
 * sample to the driver (./run.ts) over IPC. Run with --expose-gc.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCheckoutApp } from '../../examples/checkout/app.js';
import { openOrders } from '../../examples/checkout/orders.js';
import { startReceiver } from '../../examples/checkout/receiver.js';
import { createConsole } from '../../src/console/index.js';
import { createCanon, type Sink } from '../../src/index.js';
import { createSseHub } from '../../src/sse/index.js';
import { startBroker } from './broker.js';

const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? 10_000);
const emitted: Record<string, number> = {};
const countingSink: Sink = {
  write(_line, event) {
    const kind = String(event.kind);
    emitted[kind] = (emitted[kind] ?? 0) + 1;
  },
};
const canon = createCanon({ service: 'checkout-soak', sinks: [countingSink], handleExit: false });
const receiver = await startReceiver();
const orders = await openOrders(canon, receiver.url);
receiver.secrets.set('/hooks/crm', orders.endpoints.crm.secret);
receiver.secrets.set('/hooks/analytics', orders.endpoints.analytics.secret);
receiver.recover(); // the demo's analytics receiver starts down; the soak wants steady deliveries
const consolePage = createConsole({ canon, outbox: orders.outbox, webhooks: orders.webhooks, consumers: [orders.fulfilment] });
const app = createCheckoutApp(canon, orders, consolePage);
const hub = createSseHub({ canon, heartbeatMs: 1_000 });
const broker = await startBroker(canon, (n) => hub.publish('orders', { event: 'tick', data: { n } }));

let served = 0;
const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/soak/stream')) {
    hub.connect(req, res, { channels: ['orders'] });
    return;
  }
  served++;
  app(req, res);
});
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const gc = (globalThis as { gc?: () => void }).gc;

function listeners(): number {
  const on = (emitter: NodeJS.EventEmitter) =>
    emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);
  return on(process) + on(server);
}

function sample() {
  gc?.();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const sampleData = {
    t: Date.now() - readyAt, // ms since the server was ready for the load
    rss_mb: memory.rss / 2 ** 20,
    heap_mb: memory.heapUsed / 2 ** 20,
    external_mb: memory.external / 2 ** 20,
    eld_p99_ms: delay.percentile(99) / 1e6,
    eld_max_ms: delay.max / 1e6,
    handles: resources.length,
    timers: resources.filter((name) => name === 'Timeout').length,
    listeners: listeners(),
    sse_clients: hub.stats().clients,
    served,
    emitted: { ...emitted },
    broker: broker.stats(),
  };
  delay.reset();
  process.send!({ sample: sampleData });
}

const readyAt = Date.now();
const sampler = setInterval(sample, SAMPLE_MS);
process.on('message', async (message: { stop?: boolean }) => {
  if (!message.stop) return;
  clearInterval(sampler);
  await broker.stop();
  sample(); // the final one: after the load, with everything settled
  server.close();
  await orders.close();
  await receiver.close(); // the demo's webhook receiver: its listening socket would keep the process up
  await canon.close();
  process.disconnect();
});
process.send!({ port: (server.address() as AddressInfo).port, broker: broker.enabled });

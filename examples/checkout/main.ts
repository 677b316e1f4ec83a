/**
 * `npm start`: the checkout demo with the Canon console. Starts the service on
 * 127.0.0.1:3000 (or PORT; a free port when 3000 is taken) with an embedded PostgreSQL
 * (PGlite) order store, outbox and webhooks, an in-process broker and a local webhook
 * receiver, and drives it with generated traffic. It prints one line with the console's
 * URL; wide events go to stdout, pretty on a terminal and JSON lines when piped.
 * DEMO_REQUESTS=N stops after N requests (once everything in flight has settled);
 * otherwise it runs until Ctrl-C. DEMO_KEEP_ALL=1 turns tail sampling off.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsole } from '../../src/console/index.js';
import { createCanon } from '../../src/index.js';
import { createCheckoutApp } from './app.js';
import { openOrders } from './orders.js';
import { startReceiver } from './receiver.js';
import { generateTraffic } from './traffic.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const limit = process.env.DEMO_REQUESTS ? Number(process.env.DEMO_REQUESTS) : Number.POSITIVE_INFINITY;

const canon = createCanon({
  service: 'checkout',
  version: '1.0.0',
  redact: { fields: ['user.email', '**.card_number'], patterns: ['email'] },
  // Keep every failure and slow request, half of the rest (kept events say sample_rate: 2).
  sample: process.env.DEMO_KEEP_ALL
    ? undefined
    : (event) => event.outcome !== 'success' || (event.duration_ms as number) > 250 || 0.5,
});

const receiver = await startReceiver();
const orders = await openOrders(canon, receiver.url);
receiver.secrets.set('/hooks/crm', orders.endpoints.crm.secret);
receiver.secrets.set('/hooks/analytics', orders.endpoints.analytics.secret);
const consolePage = createConsole({
  canon,
  outbox: orders.outbox,
  webhooks: orders.webhooks,
  consumers: [orders.fulfilment],
});
const app = createCheckoutApp(canon, orders, consolePage);

/** Listens on `port` of 127.0.0.1, or on a free one when it is taken. */
function listen(port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && port !== 0) resolve(listen(0));
      else reject(error);
    });
  });
}

const server = await listen(process.env.PORT === undefined ? 3000 : Number(process.env.PORT));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
process.stderr.write(`Canon console: ${base}/_canon/ — checkout demo on ${base} (Ctrl-C to stop)\n`);

// The analytics receiver is down at first; once its deliveries have failed for good
// (and sat on the console's Webhooks page for a while), it comes back and we redrive them.
let stopping = false;
const recovery = (async () => {
  while ((await orders.webhooks.stats()).failed === 0) {
    if (stopping) return; // nothing ever failed
    await sleep(250);
  }
  if (limit === Number.POSITIVE_INFINITY) await sleep(60_000);
  receiver.recover();
  const redriven = await orders.webhooks.deliveries.redrive({ endpointId: orders.endpoints.analytics.id });
  process.stderr.write(`webhooks: the analytics receiver is back; redrove ${redriven} failed deliveries\n`);
})();

const statuses = await generateTraffic(base, limit);
// Let what is in flight settle: outbox, broker, retries, webhook deliveries, the redrive.
const deadline = Date.now() + 30_000;
while (Date.now() < deadline && !(await orders.idle())) await sleep(100);
stopping = true;
await recovery;
while (Date.now() < deadline && !(await orders.idle())) await sleep(100);
server.closeAllConnections();
server.close();
await consolePage.close();
await orders.close();
await receiver.close();
process.stderr.write(`done: ${JSON.stringify(statuses)} ${JSON.stringify(canon.stats())}\n`);
await canon.close();

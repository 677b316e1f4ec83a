/**
 * `npm start`: the checkout demo. Starts the service on an ephemeral port (or PORT) with
 * an embedded PostgreSQL (PGlite) order store and outbox, drives it with generated
 * traffic and prints one wide event per request (and per outbox publish) on stdout.
 * DEMO_REQUESTS=N stops after N requests; otherwise it runs until Ctrl-C.
 * DEMO_KEEP_ALL=1 turns tail sampling off (every event printed).
 */
import type { AddressInfo } from 'node:net';
import { createCanon } from '../../src/index.js';
import { createCheckoutApp } from './app.js';
import { openOrders } from './orders.js';
import { generateTraffic } from './traffic.js';

const canon = createCanon({
  service: 'checkout',
  version: '1.0.0',
  redact: { fields: ['user.email', '**.card_number'], patterns: ['email'] },
  // Keep every failure and slow request, half of the rest (kept events say sample_rate: 2).
  sample: process.env.DEMO_KEEP_ALL
    ? undefined
    : (event) => event.outcome !== 'success' || (event.duration_ms as number) > 250 || 0.5,
});

const orders = await openOrders(canon);
const server = createCheckoutApp(canon, orders).listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  const limit = process.env.DEMO_REQUESTS ? Number(process.env.DEMO_REQUESTS) : Number.POSITIVE_INFINITY;
  process.stderr.write(
    `checkout demo on http://127.0.0.1:${port} — wide events on stdout (Ctrl-C to stop)\n`,
  );
  const statuses = await generateTraffic(`http://127.0.0.1:${port}`, limit);
  process.stderr.write(`done: ${JSON.stringify(statuses)} ${JSON.stringify(canon.stats())}\n`);
  server.close();
  await orders.close();
  await canon.close();
});

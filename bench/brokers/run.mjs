// `npm run bench:brokers` (npm run build && node bench/brokers/run.mjs): for NATS
// JetStream, RabbitMQ and Redis Streams, in one run:
//
// 1. Consumer throughput: BENCH_MESSAGES messages waiting in a fresh stream/queue,
//    consumed by the raw client's own loop (decode the JSON, acknowledge each message)
//    and by Canon's consume() with a no-op handler, which also builds one wide event
//    per message and serializes it for its sink: fileSink('/dev/null') (4 KiB writes),
//    and, to separate the write syscalls out, a no-op sink `{ write() {} }`. All read
//    ahead BENCH_PREFETCH messages and handle one at a time (BENCH_CONCURRENCY for
//    Canon). Each measurement runs in its own process (side.mjs). Canon is timed from
//    subscribed (its topology made sure of) to the last ack, the raw loop from its
//    consume call. Rounds alternate the order of the sides; round 0 warms the broker up;
//    medians are reported.
// 2. End-to-end latency: events enqueued into a PostgreSQL outbox (one transaction
//    each) at BENCH_RATE per second for BENCH_SECONDS, relayed (LISTEN/NOTIFY) to the
//    broker by Canon's publisher and handled by Canon's consumer; latency is from COMMIT
//    to the handler.
//
// Env: BENCH_BROKERS (nats,rabbitmq,redis-streams), BENCH_MESSAGES (20000),
// BENCH_ROUNDS (3), BENCH_PREFETCH (100), BENCH_CONCURRENCY (1), BENCH_RATE (1000),
// BENCH_SECONDS (10), BENCH_RELAY_CONCURRENCY (32), BENCH_PG_URL.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { consume } from '../../dist/consumer/index.js';
import { createEvent, defineEvent } from '../../dist/events/index.js';
import { createCanon, fileSink } from '../../dist/index.js';
import { createOutbox, createRelay, pgStore } from '../../dist/outbox/index.js';
import { adapters } from './brokers.mjs';
import {
  BROKERS,
  CONCURRENCY,
  MESSAGES,
  median,
  PG_URL,
  PREFETCH,
  paced,
  percentile,
  RATE,
  RELAY_CONCURRENCY,
  ROUNDS,
  SECONDS,
  suffix,
  until,
} from './common.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const Placed = defineEvent('order.placed');
/** The end-to-end phase's relay and consumer (wide events to /dev/null). */
const canon = createCanon({
  service: 'bench',
  sinks: [fileSink('/dev/null', { minLength: 4096 })],
  handleExit: false,
});
const events = (n) =>
  Array.from({ length: n }, (_, i) =>
    createEvent(Placed, { order_id: `o_${i}`, total_cents: 4200, items: 3 }),
  );

/** Runs one side in its own process (see side.mjs) over a fresh target of `n` events. */
async function measure(name, adapter, side, n) {
  const target = await adapter.target(events(n));
  const child = spawn(process.execPath, [here('./side.mjs'), name, side, target, String(n)], {
    cwd: here('../../'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`side.mjs ${name} ${side} exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)).rate;
}

async function endToEnd(adapter) {
  const schema = `canon_bench_${suffix()}`;
  const appPool = new pg.Pool({ connectionString: PG_URL, max: 16 });
  const relayPool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  await appPool.query(`CREATE SCHEMA ${schema}`);
  const outbox = createOutbox({ store: pgStore(appPool), table: `${schema}.outbox` });
  await outbox.migrate();
  const target = await adapter.target([]);
  const committing = new Map();
  const latencies = [];
  const consumer = await consume({
    canon,
    source: await adapter.source(target),
    concurrency: CONCURRENCY,
    handler: (event) => {
      const at = committing.get(event.id);
      if (at !== undefined) latencies.push(performance.now() - at);
    },
  });
  const relay = createRelay({
    outbox: createOutbox({ store: pgStore(relayPool), table: outbox.table }),
    publish: adapter.publisherFor(target),
    concurrency: RELAY_CONCURRENCY,
    canon,
  });
  await relay.start();
  const sent = await paced(RATE, SECONDS, async (i) => {
    const event = createEvent(Placed, { order_id: `o_${i}`, total_cents: 4200, items: 3 });
    const client = await appPool.connect();
    try {
      await client.query('BEGIN');
      await outbox.enqueue(client, event);
      committing.set(event.id, performance.now());
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  await until(() => latencies.length >= sent, 120_000, 'end-to-end delivery');
  await relay.stop();
  await consumer.stop();
  await appPool.query(`DROP SCHEMA ${schema} CASCADE`);
  await Promise.all([appPool.end(), relayPool.end()]);
  const sorted = latencies.sort((a, b) => a - b);
  return { sent, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

const SIDES = ['raw', 'canon', 'canon-noop'];
const rows = [];
for (const name of BROKERS) {
  const adapter = await adapters[name]();
  const rates = Object.fromEntries(SIDES.map((side) => [side, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      const rate = await measure(name, adapter, side, MESSAGES);
      if (round > 0) rates[side].push(rate); // round 0 warms up the broker
    }
  }
  const latency = await endToEnd(adapter);
  await adapter.close();
  rows.push({
    broker: adapter.name,
    raw: median(rates.raw),
    canon: median(rates.canon),
    noop: median(rates['canon-noop']),
    latency,
  });
  process.stderr.write(`${adapter.name} done\n`);
}
await canon.close();

const out = process.stdout;
const int = (n) => Math.round(n).toLocaleString('en-US');
out.write(
  `\nNode ${process.version}; ${MESSAGES} messages × ${ROUNDS} rounds (medians), prefetch ${PREFETCH}, Canon concurrency ${CONCURRENCY}, wide events to fileSink('/dev/null') or a no-op sink; end-to-end at ${RATE}/s for ${SECONDS}s (relay concurrency ${RELAY_CONCURRENCY})\n\n`,
);
out.write(
  '| broker | raw client msgs/s | Canon msgs/s (/dev/null) | Canon / raw | Canon msgs/s (no-op sink) | Canon no-op / raw | outbox → consumer p50 ms | p99 ms | max ms | events |\n',
);
out.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
for (const { broker, raw, canon: rate, noop, latency } of rows) {
  out.write(
    `| ${broker} | ${int(raw)} | ${int(rate)} | ${(rate / raw).toFixed(2)} | ${int(noop)} | ${(noop / raw).toFixed(2)} | ${latency.p50.toFixed(1)} | ${latency.p99.toFixed(1)} | ${latency.max.toFixed(1)} | ${latency.sent} |\n`,
  );
}

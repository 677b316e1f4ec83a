// Canon side of the outbox benchmark (run by run.mjs): enqueue throughput (one event per
// transaction, and 500 per transaction), relay throughput over a backlog, and enqueue →
// publish latency at a steady rate with LISTEN/NOTIFY. Imports the built package (dist/).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createEvent, defineEvent } from '../../dist/events/index.js';
import { createCanon } from '../../dist/index.js';
import { createOutbox, createRelay, pgStore } from '../../dist/outbox/index.js';
import {
  BATCH,
  EVENTS,
  LATENCY_CONNECTIONS,
  PG_URL,
  PRODUCERS,
  paced,
  percentile,
  RATE,
  report,
  SECONDS,
  throughput,
  uniqueSchema,
  until,
} from './common.mjs';

const Placed = defineEvent('order.placed');
const schema = uniqueSchema('canon_bench');
// producers and the relay have their own pools, as they would in separate processes
const pool = new pg.Pool({ connectionString: PG_URL, max: LATENCY_CONNECTIONS });
const relayPool = new pg.Pool({ connectionString: PG_URL, max: 4 });
const outbox = createOutbox({ store: pgStore(pool), table: `${schema}.outbox` });
const relayOutbox = createOutbox({ store: pgStore(relayPool), table: outbox.table });
const results = {};

async function inTransaction(fn) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await fn(client);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function drain(options) {
  let published = 0;
  const relay = createRelay({ outbox: relayOutbox, publish: () => void published++, ...options });
  const started = performance.now();
  await relay.start();
  await until(() => published >= EVENTS, 600_000, 'relay drain');
  const rate = EVENTS / ((performance.now() - started) / 1000);
  await relay.stop();
  return rate;
}

try {
  await outbox.migrate();
  results.enqueue_single = await throughput(EVENTS, PRODUCERS, (i) =>
    inTransaction((tx) => outbox.enqueue(tx, createEvent(Placed, { n: i }))),
  );
  results.relay = await drain({ batchSize: BATCH, concurrency: 50 });

  results.enqueue_batch =
    BATCH *
    (await throughput(EVENTS / BATCH, PRODUCERS, (b) =>
      inTransaction((tx) =>
        outbox.enqueueMany(
          tx,
          Array.from({ length: BATCH }, (_, i) => createEvent(Placed, { n: b * BATCH + i })),
        ),
      ),
    ));
  const canon = createCanon({ service: 'bench', sinks: [{ write() {} }], handleExit: false });
  results.relay_wide_events = await drain({ batchSize: BATCH, concurrency: 50, canon });

  const sentAt = new Map();
  const committingAt = new Map();
  const latencies = [];
  const afterCommit = [];
  const relay = createRelay({
    outbox: relayOutbox,
    pollIntervalMs: 1_000,
    publish: (event) => {
      const now = performance.now();
      latencies.push(now - sentAt.get(event.id));
      afterCommit.push(now - committingAt.get(event.id));
    },
  });
  await relay.start();
  const total = await paced(RATE, SECONDS, (i) =>
    inTransaction(async (tx) => {
      const event = createEvent(Placed, { n: i });
      sentAt.set(event.id, performance.now()); // from INSERT + COMMIT, like pg-boss's send()
      await outbox.enqueue(tx, event);
      committingAt.set(event.id, performance.now()); // COMMIT is sent right after
    }),
  );
  await until(() => latencies.length >= total, 60_000, 'latency run');
  await relay.stop();
  latencies.sort((a, b) => a - b);
  afterCommit.sort((a, b) => a - b);
  results.latency_p50 = percentile(latencies, 50);
  results.latency_p99 = percentile(latencies, 99);
  results.commit_latency_p50 = percentile(afterCommit, 50);
  results.commit_latency_p99 = percentile(afterCommit, 99);
  results.latency_events = total;
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await Promise.all([pool.end(), relayPool.end()]);
}
report(results);

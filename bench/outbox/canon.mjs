// Canon side of the outbox benchmark (run by run.mjs): enqueue throughput (one event per
// transaction, and 500 per transaction), relay throughput over a backlog, and enqueue →
// publish latency at a steady rate with LISTEN/NOTIFY, from the start of the write, from the
// COMMIT sent and from the COMMIT returned to the producer (the last one leaves out the
// producer's own commit fsync), then the last one again with producers committing with
// synchronous_commit = off. Imports the built package (dist/).
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
  sleep,
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

/** Runs `fn` in BEGIN … COMMIT on a pooled connection; resolves to `fn`'s result once COMMIT has returned. */
async function inTransaction(fn) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } finally {
    client.release();
  }
}

/**
 * Times a bare `SELECT 1` on a connection of its own every 10 ms until `stop()`: the round
 * trip floor of this machine while the latency run loads it. Resolves to the sorted times.
 */
function roundTrips() {
  const client = new pg.Client({ connectionString: PG_URL });
  const times = [];
  let running = true;
  const done = (async () => {
    await client.connect();
    while (running) {
      const started = performance.now();
      await client.query('SELECT 1');
      times.push(performance.now() - started);
      await sleep(10);
    }
    await client.end();
    return times.sort((a, b) => a - b);
  })();
  return () => {
    running = false;
    return done;
  };
}

/**
 * Enqueues RATE events/s for SECONDS, one per transaction, with a listening relay. Three
 * clocks per event, all in this process: the write starts (INSERT + COMMIT, like pg-boss's
 * send()), the COMMIT is sent, the COMMIT has returned to the producer. Published times are
 * kept by id and matched at the end, because the relay (notified by the commit itself) may
 * publish before the producer's COMMIT promise has settled. With `asyncCommit`, producers
 * commit with `synchronous_commit = off` (their COMMIT does not wait for the WAL flush).
 */
async function latencyRun({ asyncCommit }) {
  const sentAt = new Map();
  const committingAt = new Map();
  const committedAt = new Map();
  const publishedAt = new Map();
  const relay = createRelay({
    outbox: relayOutbox,
    pollIntervalMs: 1_000,
    publish: (event) => void publishedAt.set(event.id, performance.now()),
  });
  await relay.start();
  const stopRoundTrips = roundTrips();
  const offeredFrom = performance.now();
  const total = await paced(RATE, SECONDS, async (i) => {
    const event = createEvent(Placed, { n: i });
    await inTransaction(async (tx) => {
      sentAt.set(event.id, performance.now());
      if (asyncCommit) await tx.query('SET LOCAL synchronous_commit = off');
      await outbox.enqueue(tx, event);
      committingAt.set(event.id, performance.now()); // COMMIT is sent right after
    });
    committedAt.set(event.id, performance.now()); // the producer's COMMIT has returned
  });
  await until(() => publishedAt.size >= total, 60_000, 'latency run');
  const floor = await stopRoundTrips();
  await relay.stop();
  const since = (start) =>
    [...publishedAt].map(([id, at]) => at - start.get(id)).sort((a, b) => a - b);
  const latencies = since(sentAt);
  const afterCommit = since(committingAt);
  const afterCommitted = since(committedAt);
  return {
    latency_p50: percentile(latencies, 50),
    latency_p99: percentile(latencies, 99),
    commit_latency_p50: percentile(afterCommit, 50),
    commit_latency_p99: percentile(afterCommit, 99),
    committed_latency_p50: percentile(afterCommitted, 50),
    committed_latency_p99: percentile(afterCommitted, 99),
    committed_latency_max: afterCommitted.at(-1),
    // published before the producer saw its COMMIT return (negative latency, counted as is)
    committed_published_first: afterCommitted.filter((ms) => ms < 0).length,
    latency_events: total,
    // commits queue behind the producers' fsyncs when the disk is slow: the rate they reached
    latency_commit_rate: total / ((Math.max(...committedAt.values()) - offeredFrom) / 1000),
    round_trip_p50: percentile(floor, 50),
    round_trip_p99: percentile(floor, 99),
  };
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

  Object.assign(results, await latencyRun({ asyncCommit: false }));
  // the same with producers that do not wait for their fsync: the relay then sees the full
  // rate even when the disk cannot flush that many notifying commits per second
  const asyncRun = await latencyRun({ asyncCommit: true });
  results.async_commit_rate = asyncRun.latency_commit_rate;
  results.async_committed_latency_p50 = asyncRun.committed_latency_p50;
  results.async_committed_latency_p99 = asyncRun.committed_latency_p99;
  results.async_committed_latency_max = asyncRun.committed_latency_max;
  results.async_round_trip_p99 = asyncRun.round_trip_p99;
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await Promise.all([pool.end(), relayPool.end()]);
}
report(results);

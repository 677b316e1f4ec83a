// pg-boss 12 side of the outbox benchmark (run by run.mjs with a Node >= 22.12 binary):
// `send` throughput (one job per call, and `insert` of 500), `work` throughput over a
// backlog, and send → handler latency at a steady rate with pg-boss's LISTEN/NOTIFY on.
import { performance } from 'node:perf_hooks';
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

const { PgBoss } = await import(process.env.PGBOSS_MODULE);
const schema = uniqueSchema('pgboss_bench');
const boss = new PgBoss({
  connectionString: PG_URL,
  schema,
  max: LATENCY_CONNECTIONS,
  useListenNotify: true,
});
boss.on('error', (err) => console.error('pg-boss error:', err.message));
const results = {};

async function drain(queue) {
  let handled = 0;
  const started = performance.now();
  const worker = await boss.work(
    queue,
    { batchSize: BATCH, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
    async (jobs) => {
      handled += jobs.length;
    },
  );
  await until(() => handled >= EVENTS, 600_000, 'work drain');
  const rate = EVENTS / ((performance.now() - started) / 1000);
  await boss.offWork(queue, { id: worker, wait: true });
  return rate;
}

try {
  await boss.start();
  await boss.createQueue('bench', { notify: true });
  results.enqueue_single = await throughput(EVENTS, PRODUCERS, (i) => boss.send('bench', { n: i }));
  results.relay = await drain('bench');

  await boss.createQueue('bench_batch', { notify: true });
  results.enqueue_batch =
    BATCH *
    (await throughput(EVENTS / BATCH, PRODUCERS, (b) =>
      boss.insert(
        'bench_batch',
        Array.from({ length: BATCH }, (_, i) => ({ data: { n: b * BATCH + i } })),
      ),
    ));

  await boss.createQueue('bench_latency', { notify: true });
  const sentAt = new Map();
  const latencies = [];
  await boss.work(
    'bench_latency',
    { batchSize: 50, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 1 },
    async (jobs) => {
      const now = performance.now();
      for (const job of jobs) latencies.push(now - sentAt.get(job.data.n));
    },
  );
  await sleep(500);
  const total = await paced(RATE, SECONDS, (i) => {
    sentAt.set(i, performance.now());
    return boss.send('bench_latency', { n: i });
  });
  await until(() => latencies.length >= total, 120_000, 'latency run');
  latencies.sort((a, b) => a - b);
  results.latency_p50 = percentile(latencies, 50);
  results.latency_p99 = percentile(latencies, 99);
  results.latency_events = total;
} finally {
  await boss.stop({ graceful: false, wait: true }).catch(() => {});
  const { default: pg } = await import(process.env.PG_MODULE);
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
report(results);

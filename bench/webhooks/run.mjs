// `npm run bench:webhooks`: canon/webhooks in one run.
// 1. Deliveries per second: BENCH_EVENTS events (default 100) sent to BENCH_ENDPOINTS
//    endpoints (default 100), so events × endpoints deliveries, drained by one delivery
//    worker on PostgreSQL to a receiver in another process; against bare undici requests
//    to the same receiver (no database, no signing) as the ceiling.
// 2. Signature verification and signing ops/s: Canon (node:crypto) against the
//    `standardwebhooks` package, same message, alternating rounds of BENCH_VERIFY_MS.
// Imports the built package: run `npm run build` first (the npm script does).
// Env: BENCH_EVENTS, BENCH_ENDPOINTS, BENCH_VERIFY_MS (1000), BENCH_PG_URL.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { request, Agent } from 'undici';
import { createEvent, defineEvent } from '../../dist/events/index.js';
import { createCanon } from '../../dist/index.js';
import { pgStore } from '../../dist/outbox/index.js';
import { createWebhooks, signWebhook, verifyWebhook } from '../../dist/webhooks/index.js';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 100);
const VERIFY_MS = Number(process.env.BENCH_VERIFY_MS ?? 1000);
const TOTAL = EVENTS * ENDPOINTS;

const OrderPlaced = defineEvent('order.placed');
const schema = `canon_bench_webhooks_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const receiver = fork(new URL('./receiver.mjs', import.meta.url));
let received = 0;
const port = await new Promise((resolve) => {
  receiver.on('message', (message) => {
    if (message.port) resolve(message.port);
    if (message.received !== undefined) received = message.received;
  });
});
const url = `http://127.0.0.1:${port}/hook`;

async function untilReceived(count) {
  while (received < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

function resetReceiver() {
  received = Number.NEGATIVE_INFINITY; // until the child's next report
  receiver.send('reset');
  return new Promise((resolve) => {
    const check = () => (received === 0 ? resolve() : setTimeout(check, 5));
    check();
  });
}

/** Sends EVENTS events (one transaction each) and drains them with a worker; resolves to rates. */
async function deliveries(label, options) {
  const tablePrefix = `${schema}.${label}`;
  const webhooks = createWebhooks({
    store: pgStore(pool),
    tablePrefix,
    allowPrivateNetworks: true,
    ...options,
  });
  await webhooks.migrate();
  for (let i = 0; i < ENDPOINTS; i++) await webhooks.endpoints.create({ url, events: ['order.*'] });
  await resetReceiver();
  const sendStarted = performance.now();
  for (let i = 0; i < EVENTS; i++)
    await webhooks.send(
      createEvent(OrderPlaced, { order_id: `o_${i}`, total: 4200, items: [{ sku: 'A-1', qty: 2 }] }),
    );
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  const started = performance.now();
  await webhooks.start();
  await untilReceived(TOTAL);
  const seconds = (performance.now() - started) / 1000;
  await webhooks.stop();
  return { fanOut: TOTAL / sendSeconds, delivered: TOTAL / seconds };
}

/** The ceiling: the same number of POSTs with undici straight to the receiver. */
async function bare(concurrency) {
  await resetReceiver();
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const body = JSON.stringify(
    createEvent(OrderPlaced, { order_id: 'o_1', total: 4200, items: [{ sku: 'A-1', qty: 2 }] }),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < TOTAL) {
        const response = await request(url, {
          method: 'POST',
          body,
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
        });
        await response.body.dump();
      }
    }),
  );
  const rate = TOTAL / ((performance.now() - started) / 1000);
  await agent.close();
  return rate;
}

/** Alternating rounds of `VERIFY_MS` for each function; resolves to ops/s per name. */
function opsPerSecond(functions, rounds = 3) {
  const totals = Object.fromEntries(Object.keys(functions).map((name) => [name, { ops: 0, ms: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(functions)) {
      const started = performance.now();
      let ops = 0;
      while (performance.now() - started < VERIFY_MS / rounds) {
        for (let i = 0; i < 100; i++) fn();
        ops += 100;
      }
      totals[name].ops += ops;
      totals[name].ms += performance.now() - started;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([name, { ops, ms }]) => [name, ops / (ms / 1000)]));
}

try {
  await pool.query(`CREATE SCHEMA "${schema}"`);
  const canon = createCanon({ service: 'bench', sinks: [{ write() {} }], handleExit: false });
  const rows = [
    ['canon/webhooks, PostgreSQL, concurrency 50 (default)', await deliveries('c50', {})],
    [
      'canon/webhooks, PostgreSQL, concurrency 100',
      await deliveries('c100', { concurrency: 100, batchSize: 200 }),
    ],
    [
      'canon/webhooks, PostgreSQL, concurrency 100, wide event per attempt',
      await deliveries('c100w', { concurrency: 100, batchSize: 200, canon }),
    ],
  ];
  const ceiling = await bare(100);

  console.log(
    `\n### Deliveries: ${fmt(EVENTS)} events × ${fmt(ENDPOINTS)} endpoints = ${fmt(TOTAL)} deliveries to a local receiver (another process)\n`,
  );
  console.log('| sender | fan-out (deliveries queued/s) | delivered/s | vs bare undici |');
  console.log('|---|---:|---:|---:|');
  for (const [label, result] of rows) {
    console.log(
      `| ${label} | ${fmt(result.fanOut)} | ${fmt(result.delivered)} | ${(result.delivered / ceiling).toFixed(2)}× |`,
    );
  }
  console.log(
    `| bare \`undici.request\`, concurrency 100 (no database, no signing, no log) | – | ${fmt(ceiling)} | 1.00× |`,
  );

  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const payload = JSON.stringify(createEvent(OrderPlaced, { order_id: 'o_1', note: 'x'.repeat(700) }));
  const headers = signWebhook({ id: 'msg_bench', body: payload, secret });
  const peer = new Webhook(secret);
  const at = new Date(Number(headers['webhook-timestamp']) * 1000);
  const verify = opsPerSecond({
    canon: () => verifyWebhook({ body: payload, headers, secret }),
    standardwebhooks: () => peer.verify(payload, headers),
  });
  const sign = opsPerSecond({
    canon: () => signWebhook({ id: 'msg_bench', body: payload, secret }),
    standardwebhooks: () => peer.sign('msg_bench', at, payload),
  });
  console.log(`\n### Standard Webhooks signatures (${payload.length}-byte body, ${VERIFY_MS} ms per side)\n`);
  console.log('| operation | canon ops/s | standardwebhooks ops/s | canon / standardwebhooks |');
  console.log('|---|---:|---:|---:|');
  for (const [name, result] of [
    ['verify (parse included)', verify],
    ['sign', sign],
  ]) {
    console.log(
      `| ${name} | ${fmt(result.canon)} | ${fmt(result.standardwebhooks)} | ${(result.canon / result.standardwebhooks).toFixed(2)}× |`,
    );
  }
  console.log(
    `\nNode ${process.version}; command: npm run bench:webhooks (BENCH_EVENTS=${EVENTS} BENCH_ENDPOINTS=${ENDPOINTS} BENCH_VERIFY_MS=${VERIFY_MS})`,
  );
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  receiver.disconnect();
}

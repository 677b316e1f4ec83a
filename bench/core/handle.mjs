// `npm run build && node bench/core/handle.mjs [distDir ...]`: the cost of the event
// handle's writes (enrich, set, count) and of the snapshot+redact walk, on a small typical
// event, in CPU ns per operation (process CPU time, so time the process spends preempted on
// a busy machine does not count). Given several builds (e.g. `dist /tmp/base-dist`), each is
// measured in the same process, interleaved over rounds; medians and spreads are reported.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['dist'];

const owner = { maxDepth: 10, includeStack: false, emit() {}, lateWrite() {}, writeLog() {} };
const REDACT = { fields: ['user.email', '**.password', 'request.headers.authorization'] };
const REDACT_PATTERNS = { ...REDACT, patterns: ['email', 'credit_card', 'bearer', 'jwt'] };

function typicalEvent() {
  return {
    timestamp: '2026-12-06T10:00:00.000Z', kind: 'http', request_id: '019ab0c1-7f3e-7a9b-8c1d-2e3f4a5b6c7d',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', parent_span_id: undefined,
    service: 'checkout', version: '1.4.2', host: 'web-1', method: 'POST', path: '/orders', route: '/orders',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64)', duration_ms: 12.345, outcome: 'success', status_code: 201,
    user: { id: 'u_1', email: 'ada@example.com', plan: 'pro' },
    cart: { items: [{ sku: 'a-1', qty: 2 }, { sku: 'b-2', qty: 1 }], total_cents: 4599 },
    request: { headers: { authorization: 'Bearer abc', accept: 'application/json' } },
    db: { query_count: 3, total_ms: 4.2 },
  };
}

async function load(dir) {
  const base = pathToFileURL(`${resolve(dir)}/`).href;
  const { WideEvent } = await import(`${base}core/event.js`);
  const { snapshot, DEFAULT_LIMITS } = await import(`${base}core/snapshot.js`);
  const { createRedactor } = await import(`${base}redact/index.js`);
  const event = typicalEvent();
  const paths = createRedactor(REDACT);
  const patterns = createRedactor(REDACT_PATTERNS);
  return {
    'enrich+set+count (new unit)': () => {
      const unit = new WideEvent(owner, { kind: 'http', service: 's' }, 'r', 't', 's');
      unit.enrich({ user: { id: 'u_1', plan: 'pro' }, cart: { items: 3, total_cents: 1299 } });
      unit.enrich({ user: { country: 'FR' }, flags: ['a', 'b'] });
      unit.set('payment.provider', 'stripe');
      unit.count('db.query_count');
    },
    'snapshot': () => snapshot(event, DEFAULT_LIMITS, false, undefined),
    'snapshot + 3 redact paths': () => snapshot(event, DEFAULT_LIMITS, false, paths),
    'snapshot + 3 paths + 4 patterns': () => snapshot(event, DEFAULT_LIMITS, false, patterns),
  };
}

function measure(call) {
  const started = process.cpuUsage();
  for (let k = 0; k < CALLS; k++) call();
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / CALLS; // CPU ns per call
}

const builds = [];
for (const dir of dirs) builds.push({ dir, variants: await load(dir) });
const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const { dir, variants } of builds) {
    for (const [name, call] of Object.entries(variants)) {
      const key = `${name} | ${dir}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key).push(measure(call));
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`Node ${process.version}, ${ROUNDS} rounds x ${CALLS} calls, CPU ns/op (median, min–max)`);
console.log('| variant | build | ns/op | spread |\n|---|---|---:|---:|');
for (const [key, xs] of results) {
  const [name, dir] = key.split(' | ');
  const sorted = [...xs].sort((a, b) => a - b);
  console.log(`| ${name} | ${dir} | ${median(xs).toFixed(0)} | ${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)} |`);
}

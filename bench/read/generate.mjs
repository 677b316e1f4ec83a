// Writes realistic Canon wide events as JSON lines: `node bench/read/generate.mjs [count] [file]`
// (default 1,000,000 events to bench/.tmp/events-1m.jsonl, about 420 MB). Deterministic:
// the same count gives the same file, so runs compare.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const count = Number(process.argv[2] ?? 1_000_000);
const file = process.argv[3] ?? fileURLToPath(new URL('../.tmp/events-1m.jsonl', import.meta.url));
mkdirSync(dirname(file), { recursive: true });

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(random() * list.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const routes = [
  ['GET', '/products', '/products'],
  ['GET', '/products/:id', '/products/p_%'],
  ['POST', '/cart/items', '/cart/items'],
  ['POST', '/checkout', '/checkout'],
  ['GET', '/orders/:id', '/orders/o_%'],
  ['GET', '/health', '/health'],
];
const services = ['checkout', 'catalog', 'payments'];
const start = Date.parse('2026-12-01T00:00:00Z');

function event(i) {
  const [method, route, path] = pick(routes);
  const failed = random() < 0.02;
  const status = failed ? pick([500, 502, 503]) : random() < 0.05 ? 404 : 200;
  const duration = Math.round((5 + random() ** 3 * 900) * 1000) / 1000;
  const base = {
    timestamp: new Date(start + i * 7).toISOString(),
    kind: 'http',
    request_id: `req_${hex(20)}`,
    trace_id: hex(32),
    span_id: hex(16),
    service: pick(services),
    method,
    path: path.replace('%', String(i % 997)),
    route,
    status_code: status,
    duration_ms: duration,
    outcome: status >= 500 ? 'error' : 'success',
    sample_rate: 1,
    user: { id: `u_${i % 5000}`, plan: pick(['free', 'pro', 'team']) },
    db: { query_count: Math.floor(random() * 6), total_ms: Math.round(duration * 300) / 1000 },
  };
  if (route === '/checkout') base.cart = { items: 1 + Math.floor(random() * 5), total_cents: Math.floor(random() * 20000) };
  if (failed) base.error = { type: 'UpstreamError', message: 'payment provider timed out', code: 'ETIMEDOUT' };
  return base;
}

const out = createWriteStream(file);
let chunk = '';
for (let i = 0; i < count; i++) {
  chunk += `${JSON.stringify(event(i))}\n`;
  if (chunk.length > 1 << 20) {
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    chunk = '';
  }
}
out.end(chunk);
await new Promise((resolve) => out.on('finish', resolve));
process.stderr.write(`wrote ${count} events to ${file}\n`);

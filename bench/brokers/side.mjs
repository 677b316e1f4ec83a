// One measured side of the consumer-throughput benchmark, in its own process so the raw
// client pays nothing for Canon being loaded (AsyncLocalStorage's promise hooks, a warm
// JIT for the other side): `node side.mjs <broker> <raw|canon|canon-noop> <target> <n>`.
// Prints `{ "rate": <messages/s> }` as its last line.
import { performance } from 'node:perf_hooks';
import { adapters } from './brokers.mjs';
import { CONCURRENCY, until } from './common.mjs';

const [broker, side, target, count] = process.argv.slice(2);
const n = Number(count);
const adapter = await adapters[broker]();
let rate;
if (side === 'raw') {
  const started = performance.now();
  await adapter.raw(target, n);
  rate = n / ((performance.now() - started) / 1000);
} else {
  const { consume } = await import('../../dist/consumer/index.js');
  const { createCanon, fileSink } = await import('../../dist/index.js');
  const sink = side === 'canon-noop' ? { write() {} } : fileSink('/dev/null');
  const canon = createCanon({ service: 'bench', sinks: [sink], handleExit: false });
  const consumer = await consume({
    canon,
    source: await adapter.source(target),
    concurrency: CONCURRENCY,
    handler: () => {},
  });
  // from subscribed (stream, durable, dead-letter and retry destinations exist) to all acked
  const started = performance.now();
  await until(() => consumer.stats().acked >= n, 300_000, 'Canon consumer');
  rate = n / ((performance.now() - started) / 1000);
  await consumer.stop();
  await canon.close();
}
await adapter.close();
process.stdout.write(`${JSON.stringify({ rate })}\n`);

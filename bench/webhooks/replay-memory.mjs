// `node bench/webhooks/replay-memory.mjs [module]`: the cost of one memoryReplayStore
// claim once the store is full (every claim then makes room), at 10 and at 100,000 ids.
// Imports the built package (`npm run build` first) unless given another module path
// exporting memoryReplayStore (e.g. an older build, to compare). Env: BENCH_CLAIMS (20000), BENCH_ROUNDS (5).
import { pathToFileURL } from 'node:url';

const target = process.argv[2] ? pathToFileURL(process.argv[2]).href : '../../dist/webhooks/index.js';
const { memoryReplayStore } = await import(target);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

for (const size of [10, 100_000]) {
  const store = memoryReplayStore({ maxEntries: size });
  for (let i = 0; i < size; i++) await store.claim(`fill:${i}`, 600);
  const perClaimUs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CLAIMS; i++) await store.claim(`r${round}:${i}`, 600);
    perClaimUs.push(Number(process.hrtime.bigint() - started) / CLAIMS / 1000);
  }
  const sorted = [...perClaimUs].sort((a, b) => a - b);
  console.log(
    `${size.toLocaleString('en-US')} ids: µs per claim median ${sorted[ROUNDS >> 1].toFixed(2)} (min ${sorted[0].toFixed(2)}, max ${sorted.at(-1).toFixed(2)}; ${ROUNDS} rounds of ${CLAIMS})`,
  );
}

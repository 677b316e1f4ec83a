// Shared by the outbox benchmark's two sides: PostgreSQL URL, pacing, percentiles.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
export const RATE = Number(process.env.BENCH_RATE ?? 1_000);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Concurrent producers for the enqueue/send phase (each its own connection). */
export const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 8);
export const BATCH = Number(process.env.BENCH_BATCH ?? 500);
/** Connections producers may use in the latency phase, so a steady rate is not held back. */
export const LATENCY_CONNECTIONS = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 32);

export const uniqueSchema = (prefix) => `${prefix}_${randomBytes(4).toString('hex')}`;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task(i)` for i < count with `concurrency` in flight; resolves to events/s. */
export async function throughput(count, concurrency, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** Calls `send(i)` at a steady `rate` per second for `seconds`, without waiting for each. */
export async function paced(rate, seconds, send) {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight = new Set();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const p = send(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return total;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Resolves once `check()` is true (polling every 2 ms); rejects after `timeoutMs`. */
export async function until(check, timeoutMs, label) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(2);
  }
}

/** Prints the side's results for the orchestrator (last stdout line). */
export function report(results) {
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

// Shared by the broker benchmark: settings from the environment, pacing, statistics.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const PREFETCH = Number(process.env.BENCH_PREFETCH ?? 100);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
export const RATE = Number(process.env.BENCH_RATE ?? 1_000);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Publishes the relay keeps in flight (RabbitMQ confirms persistent messages after an fsync). */
export const RELAY_CONCURRENCY = Number(process.env.BENCH_RELAY_CONCURRENCY ?? 32);
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BROKERS = (process.env.BENCH_BROKERS ?? 'nats,rabbitmq,redis-streams').split(',');

export const suffix = () => randomBytes(4).toString('hex');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check()` is true (polling every 2 ms); rejects after `timeoutMs`. */
export async function until(check, timeoutMs, label) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(2);
  }
}

/** Runs `task(i)` for i < count, `concurrency` at a time. */
export async function pool(count, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Calls `send(i)` at a steady `rate` per second for `seconds`, without waiting for each. */
export async function paced(rate, seconds, send) {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight = new Set();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const p = send(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return total;
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

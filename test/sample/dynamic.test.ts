import http from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { CanonOptionError, createCanon, dynamicSample, type Fields, type FinalizedEvent, memorySink } from '../../src/index.js';
import { computeRates } from '../../src/sample/ema-rates.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

/** A seeded PRNG (mulberry32), so every run sees the same trace ids and traffic. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function traceIds(random: () => number) {
  return () => Array.from({ length: 4 }, () => Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0')).join('');
}

/** Jobs at one per ms of a fake clock: 70/20/9/1 % over four routes, 0.5 % errors. */
function traffic(count: number, seed: number) {
  const random = prng(seed);
  const traceId = traceIds(random);
  return Array.from({ length: count }, (_, i) => {
    const r = random();
    const route = r < 0.7 ? '/home' : r < 0.9 ? '/search' : r < 0.99 ? '/cart' : '/rare';
    const error = random() < 0.005;
    return { i, traceId: traceId(), route, status: error ? 500 : 200, outcome: error ? 'error' : 'success' };
  });
}

/** 5 s windows at 1 000 events/s: 100 000 events are 20 windows. */
const WINDOW_MS = 5_000;

function run(events: ReturnType<typeof traffic>, goalRate = 20) {
  let clock = 0;
  const sink = memorySink();
  const sample = dynamicSample({
    key: (e) => [e.route, e.status_code],
    goalRate,
    windowMs: WINDOW_MS,
    keep: (e) => e.outcome !== 'success',
    now: () => clock,
  });
  const canon = createCanon({ sinks: [sink], handleExit: false, sample });
  for (const event of events) {
    clock = event.i; // one event per ms
    const unit = canon.startUnit({ kind: 'job', traceId: event.traceId });
    unit.enrich({ route: event.route, status_code: event.status, seq: event.i });
    if (event.outcome === 'error') unit.markError(new Error('boom'));
    unit.end();
  }
  return { kept: sink.events as Fields[], sample, stats: canon.stats() };
}

describe('dynamicSample', () => {
  it('allots per-key rates as Refinery does (its published test vectors, with its integer rounding)', () => {
    const rates = (counts: Record<string, number>) => Object.fromEntries(computeRates(new Map(Object.entries(counts)), 20, Math.ceil));
    expect(
      rates({ one: 1, two: 1, three: 2, four: 5, five: 8, six: 15, seven: 45, eight: 612, nine: 2000, ten: 10000 }),
    ).toMatchObject({ one: 1, seven: 1, eight: 6, nine: 14, ten: 47 });
    expect(rates({ one: 1, two: 1, three: 2, four: 5, five: 8, six: 15, seven: 45, eight: 50, nine: 60 })).toEqual({
      one: 1, two: 1, three: 2, four: 5, five: 8, six: 11, seven: 24, eight: 26, nine: 30,
    });
    expect(rates({ one: 1000, two: 1000, three: 2000, four: 5000, five: 7000 })).toEqual({
      one: 7, two: 7, three: 13, four: 29, five: 39,
    });
    expect(rates({ one: 12000 })).toEqual({ one: 20 });
    expect(rates({})).toEqual({});
    // Canon's own rounding (two decimals up) keeps keys nearer their share
    const counts = new Map([['frequent', 10_000], ['rare', 100]]);
    expect(Object.fromEntries(computeRates(counts, 20))).toEqual({ frequent: 29.71, rare: 1 });
    expect(Object.fromEntries(computeRates(counts, 20, Math.ceil))).toEqual({ frequent: 30, rare: 1 });
  });

  it('over 100 000 events: sum(sample_rate) is within 5% of the true count, rare keys stay near 1:1, errors are all kept', () => {
    const events = traffic(100_000, 42);
    const { kept, stats } = run(events);
    const estimate = kept.reduce((sum, e) => sum + (e.sample_rate as number), 0);
    expect(Math.abs(estimate - events.length) / events.length).toBeLessThan(0.05);
    // the rare key (1 % of traffic) after the first window
    const rareAfterWarmup = kept.filter((e) => e.route === '/rare' && (e.seq as number) >= WINDOW_MS);
    expect(rareAfterWarmup.length).toBeGreaterThan(500); // of about 950
    expect(Math.max(...rareAfterWarmup.map((e) => e.sample_rate as number))).toBeLessThanOrEqual(2);
    // the frequent key is sampled down, and the kept fraction is near 1/goalRate
    expect(kept.filter((e) => e.route === '/home').at(-1)!.sample_rate).toBeGreaterThan(20);
    const sampleable = events.filter((e) => e.outcome === 'success').length;
    const keptSampleable = kept.filter((e) => e.outcome === 'success').length;
    expect(keptSampleable / sampleable).toBeGreaterThan(0.035);
    expect(keptSampleable / sampleable).toBeLessThan(0.07);
    // every error kept, at rate 1
    const errors = events.filter((e) => e.outcome === 'error').length;
    expect(kept.filter((e) => e.outcome === 'error')).toHaveLength(errors);
    expect(kept.filter((e) => e.outcome === 'error').every((e) => e.sample_rate === 1)).toBe(true);
    expect(stats.emitted + stats.sampled_out).toBe(events.length);
  });

  it('decides from trace_id: the same stream gives the same kept set; sample_rate is exactly the key’s rate', () => {
    const events = traffic(20_000, 7);
    const first = run(events);
    const second = run(events);
    expect(first.kept.map((e) => e.trace_id)).toEqual(second.kept.map((e) => e.trace_id));
    const rates = first.sample.rates();
    expect(rates['/home•200']).toBe(first.kept.filter((e) => e.route === '/home').at(-1)!.sample_rate);
    for (const e of first.kept) expect(Math.round((e.sample_rate as number) * 100) / 100).toBe(e.sample_rate);
    // within a window, one trace id gets one decision whatever the order
    const traceId = 'ab'.repeat(16);
    let clock = 0;
    const sample = dynamicSample({ key: () => 'k', windowMs: 1_000, now: () => clock });
    for (let i = 0; i < 999; i++) sample({ trace_id: `${i}`.padStart(32, '0') } as FinalizedEvent);
    clock = 1_000; // the window closes on the next event: rates now apply
    const answers = new Set(Array.from({ length: 5 }, () => sample({ trace_id: traceId } as FinalizedEvent)));
    expect(answers.size).toBe(1);
  });

  it('keeps events on a real Express server, keeps every error, and records each key’s rate', async () => {
    let clock = 0;
    const sink = memorySink();
    const canon = createCanon({
      sinks: [sink],
      handleExit: false,
      sample: dynamicSample({
        key: (e) => [e.route, e.status_code],
        goalRate: 10,
        windowMs: 100,
        keep: (e) => e.outcome !== 'success',
        now: () => clock,
      }),
    });
    const app = express();
    app.use(canonExpress(canon));
    app.get('/busy', (_req, res) => res.send('ok'));
    app.get('/fail', (_req, res) => res.status(503).send('no'));
    const server = await listen(http.createServer(app));
    try {
      const random = prng(3);
      const trace = traceIds(random);
      let failures = 0;
      for (let i = 0; i < 400; i++) {
        clock = i;
        const fail = i % 50 === 0;
        failures += fail ? 1 : 0;
        await fetch(`${server.url}/${fail ? 'fail' : 'busy'}`, {
          headers: { traceparent: `00-${trace()}-${'1'.repeat(16)}-01` },
        });
      }
      await waitFor(() => canon.stats().emitted + canon.stats().sampled_out === 400);
      const busy = sink.events.filter((e) => e.route === '/busy');
      expect(sink.events.filter((e) => e.route === '/fail')).toHaveLength(failures);
      expect(busy.length).toBeLessThan(200);
      expect(busy.at(-1)!.sample_rate).toBeGreaterThan(1);
      const estimate = busy.reduce((sum, e) => sum + (e.sample_rate as number), 0);
      expect(Math.abs(estimate - (400 - failures)) / (400 - failures)).toBeLessThan(0.25);
    } finally {
      await server.close();
    }
  });

  it('keeps the event when key or keep throws, and refuses bad options by name', () => {
    const sample = dynamicSample({
      key: () => {
        throw new Error('bad key');
      },
    });
    expect(sample({ trace_id: 'x' } as FinalizedEvent)).toBe(true);
    const bad: [unknown, string][] = [
      [undefined, 'dynamicSample(options)'],
      [{}, 'dynamicSample.key'],
      [{ key: () => 1, goalRate: 0.5 }, 'dynamicSample.goalRate'],
      [{ key: () => 1, windowMs: 0 }, 'dynamicSample.windowMs'],
      [{ key: () => 1, weight: 2 }, 'dynamicSample.weight'],
      [{ key: () => 1, maxKeys: 1.5 }, 'dynamicSample.maxKeys'],
      [{ key: () => 1, keep: true }, 'dynamicSample.keep'],
      [{ key: () => 1, goal: 20 }, 'dynamicSample.goal'],
    ];
    for (const [options, option] of bad) {
      expect(() => dynamicSample(options as never), option).toThrow(CanonOptionError);
      try {
        dynamicSample(options as never);
      } catch (err) {
        expect((err as CanonOptionError).option).toBe(option);
      }
    }
  });
});

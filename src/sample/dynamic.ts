/**
 * @module canon/sample/dynamic
 * `dynamicSample`: Honeycomb Refinery's dynamic sampling, in-process. Events are grouped
 * by a key (`[route, status_code]`); every `windowMs` the per-key counts update an
 * exponential moving average and new per-key rates (./ema-rates): frequent keys are
 * sampled down, rare ones kept at or near 1:1, and the kept fraction converges on
 * `1 / goalRate`. A kept event's `sample_rate` is its key's rate, so `sum(sample_rate)`
 * over kept events estimates the true count. Within a window the decision depends only on
 * `trace_id`, so services that share the configuration and traffic decide alike.
 */
import { describe, invalidOption } from '../core/errors.js';
import { rejectUnknownOptions } from '../core/option-checks.js';
import type { FinalizedEvent } from '../core/emitted.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { computeRates, updateAverages } from './ema-rates.js';
import { type SampleFn, type Sampler, samplerOf, traceFraction } from './index.js';

export interface DynamicSampleOptions {
  /** The key events are grouped by: a value or an array of values (`(e) => [e.route, e.status_code]`). */
  key: (event: FinalizedEvent) => unknown;
  /** The average sample rate aimed at: keep about 1 event in `goalRate` (default 10). */
  goalRate?: number;
  /** How often the rates are recomputed from the counts, in ms (default 30 000). */
  windowMs?: number;
  /** Events for which it returns true are always kept (`sample_rate: 1`) and not counted. */
  keep?: (event: FinalizedEvent) => boolean;
  /** Weight of the newest window in the moving average, in (0, 1] (default 0.5). */
  weight?: number;
  /** Distinct keys counted per window (default 2 000); further new keys get rate 1 until a slot frees up. */
  maxKeys?: number;
  /** The clock, in ms (default `Date.now`); tests pass their own. */
  now?: () => number;
}

/** A sample function with its current per-key rates. */
export interface DynamicSampler extends SampleFn {
  /** The rates in force, by key (keys joined with `•`); empty during the first window. */
  rates(): Record<string, number>;
}

const KNOWN = ['key', 'goalRate', 'windowMs', 'keep', 'weight', 'maxKeys', 'now'];
const SEPARATOR = '•';

function checkFunction(value: unknown, option: string, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'function') throw invalidOption(option, `expected a function, got ${describe(value)}`);
}

function numberOption(value: unknown, option: string, fallback: number, valid: (n: number) => boolean, what: string) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !valid(value)) throw invalidOption(option, `expected ${what}, got ${describe(value)}`);
  return value;
}

function keyOf(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(SEPARATOR) : String(value);
}

/**
 * Creates a dynamic sampler for `createCanon({ sample })`.
 *
 * @example
 * import { createCanon, dynamicSample } from 'canon';
 * const canon = createCanon({
 *   sample: dynamicSample({
 *     key: (e) => [e.route, e.status_code],
 *     goalRate: 20,
 *     windowMs: 30_000,
 *     keep: (e) => e.outcome !== 'success',
 *   }),
 * });
 */
export function dynamicSample(options: DynamicSampleOptions): DynamicSampler {
  if (!isPlainObject(options)) {
    throw invalidOption('dynamicSample(options)', `expected { key, goalRate?, windowMs?, keep? }, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, KNOWN, 'dynamicSample.');
  const { key, keep, now = Date.now } = options;
  checkFunction(key, 'dynamicSample.key', true);
  checkFunction(keep, 'dynamicSample.keep', false);
  checkFunction(now, 'dynamicSample.now', false);
  const goalRate = numberOption(options.goalRate, 'dynamicSample.goalRate', 10, (n) => n >= 1 && Number.isFinite(n), 'a number >= 1');
  const windowMs = numberOption(options.windowMs, 'dynamicSample.windowMs', 30_000, (n) => Number.isSafeInteger(n) && n >= 1, 'an integer >= 1');
  const weight = numberOption(options.weight, 'dynamicSample.weight', 0.5, (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  const maxKeys = numberOption(options.maxKeys, 'dynamicSample.maxKeys', 2_000, (n) => Number.isSafeInteger(n) && n >= 1, 'an integer >= 1');

  const averages = new Map<string, number>();
  let counts = new Map<string, number>();
  let rates: Map<string, number> | undefined; // undefined until the first window closed
  let windowStart = now();

  function roll(time: number): void {
    windowStart = time;
    if (counts.size === 0) return; // no traffic: keep the rates (as Refinery does)
    updateAverages(averages, counts, weight, weight);
    rates = computeRates(averages, goalRate);
    counts = new Map();
  }

  /** The rate of `event`'s key: 1 for `keep` events, else from the last window. */
  function rateOf(fields: Fields): number {
    const event = fields as FinalizedEvent;
    try {
      if (keep?.(event)) return 1;
      const time = now();
      if (time - windowStart >= windowMs) roll(time);
      const k = keyOf(key(event));
      const count = counts.get(k);
      if (count !== undefined) counts.set(k, count + 1);
      else if (counts.size < maxKeys) counts.set(k, 1);
      return rates === undefined ? goalRate : (rates.get(k) ?? 1);
    } catch {
      return 1; // a throwing key or keep function must not lose the event
    }
  }

  const sampler: Sampler = (event) => {
    const rate = rateOf(event);
    return rate === 1 || traceFraction(event.trace_id) < 1 / rate ? rate : 0;
  };
  const sample = ((event: FinalizedEvent) => {
    const rate = rateOf(event);
    return rate === 1 ? true : 1 / rate;
  }) as DynamicSampler;
  sample.rates = () => Object.fromEntries(rates ?? []);
  return samplerOf(sample, sampler);
}

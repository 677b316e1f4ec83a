/**
 * @module canon/sample
 * Tail sampling: decides, once the event is complete, whether it is kept. A probability
 * is turned into a decision deterministically from `trace_id`, so every service in a
 * trace keeps or drops it alike; kept events carry `sample_rate = 1 / p`.
 */
import type { FinalizedEvent } from '../core/emitted.js';
import { describe, invalidOption } from '../core/errors.js';
import { type Fields, isPlainObject } from '../core/paths.js';

/**
 * Returns true (keep), false (drop) or a keep-probability in (0, 1].
 *
 * @example
 * const sample: SampleFn = (event) => event.status_code >= 500 || event.duration_ms > 2000 || 0.05;
 */
export type SampleFn = (event: FinalizedEvent) => boolean | number;

/** Keep `rate` of events, and always those `keep` returns true for. */
export interface SampleRate {
  rate: number;
  keep?: (event: FinalizedEvent) => boolean;
}

export type SampleConfig = SampleFn | SampleRate;

/** The sampling stage: 0 to drop, otherwise the `sample_rate` to record. */
export type Sampler = (event: Fields) => number;

const DIRECT = Symbol('canon.sample.direct');

/**
 * @internal Attaches to a sample function the {@link Sampler} that `createSampler` uses
 * in its place, for samplers whose rate must be recorded exactly (`dynamicSample`: the
 * key's integer rate, which `1 / (1 / rate)` does not always give back).
 *
 * @example
 * return samplerOf(sampleFn, (event) => (keep(event) ? rate : 0));
 */
export function samplerOf<F extends SampleFn>(fn: F, sampler: Sampler): F {
  return Object.assign(fn, { [DIRECT]: sampler });
}

/**
 * A number in [0, 1) derived from a trace id's last 8 hex digits (its random part).
 *
 * @example
 * traceFraction('4bf92f3577b34da6a3ce929d0e0e4736') // 0.0550...
 */
export function traceFraction(traceId: unknown): number {
  if (typeof traceId !== 'string' || traceId.length < 8) return Math.random();
  const value = Number.parseInt(traceId.slice(-8), 16);
  return Number.isNaN(value) ? Math.random() : value / 0x1_0000_0000;
}

/** Turns a sampler's answer into 0 (drop) or the sample rate (1 / p). */
export function decide(answer: unknown, traceId: unknown): number {
  if (answer === true) return 1;
  if (answer === false) return 0;
  if (typeof answer !== 'number' || Number.isNaN(answer)) return 1; // fail open: keep what we can't judge
  if (answer >= 1) return 1;
  if (answer <= 0) return 0;
  return traceFraction(traceId) < answer ? 1 / answer : 0;
}

/**
 * Validates `sample` and compiles it into a {@link Sampler}; undefined keeps everything.
 *
 * @example
 * const sampler = createSampler({ rate: 0.1, keep: (e) => e.outcome === 'error' })!;
 * sampler({ outcome: 'error', trace_id: '…' }) // 1
 */
export function createSampler(config: SampleConfig | undefined): Sampler | undefined {
  if (config === undefined) return undefined;
  if (typeof config === 'function') {
    const direct = (config as { [DIRECT]?: Sampler })[DIRECT];
    if (direct) {
      return (event) => {
        try {
          return direct(event);
        } catch {
          return 1;
        }
      };
    }
    return (event) => {
      try {
        return decide(config(event as FinalizedEvent), event.trace_id);
      } catch {
        return 1; // a throwing sampler must not lose the event
      }
    };
  }
  if (!isPlainObject(config)) {
    throw invalidOption('sample', `expected a function or { rate, keep }, got ${describe(config)}`);
  }
  const { rate, keep } = config as unknown as SampleRate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw invalidOption('sample.rate', `expected a number between 0 and 1, got ${describe(rate)}`);
  }
  if (keep !== undefined && typeof keep !== 'function') {
    throw invalidOption('sample.keep', `expected a function, got ${describe(keep)}`);
  }
  return (event) => {
    try {
      if (keep?.(event as FinalizedEvent)) return 1;
    } catch {
      return 1;
    }
    return decide(rate, event.trace_id);
  };
}

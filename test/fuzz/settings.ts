/**
 * Shared by the property suites: 10,000 cases per property by default (FUZZ_RUNS for
 * longer runs), a fixed seed so a failure replays (FUZZ_SEED to try others; fast-check
 * prints the seed and path of a counterexample), and sizes for the values generated.
 */
import type { Parameters } from 'fast-check';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1_414);

/** fast-check parameters: `runs` (default FUZZ_RUNS, scaled by `share` for slow properties). */
export function params<T>(share = 1): Parameters<T> {
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)), seed: FUZZ_SEED, endOnFailure: true };
}

/**
 * A vitest timeout that grows with FUZZ_RUNS: 5× the expected time (ms per case × runs),
 * at least 5 minutes, so a loaded CI machine slows a property down without failing it.
 */
export const timeoutFor = (msPerCase: number, share = 1) =>
  Math.max(300_000, Math.round(5 * msPerCase * FUZZ_RUNS * share));

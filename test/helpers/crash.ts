/**
 * Shared by the crash suites: their size (`CRASH_SCALE=full` runs the sizes the issue
 * sets; CI runs smaller ones that exercise the same kill points) and a seeded random
 * source, so a failing run is replayed with the seed it prints (`CRASH_SEED=…`).
 */

/** True when `CRASH_SCALE=full`: the long variants (see README, "Stress suites"). */
export const FULL_SCALE = process.env.CRASH_SCALE === 'full';

/** `full` under CRASH_SCALE=full, else `ci`. */
export const scaled = (ci: number, full: number): number => (FULL_SCALE ? full : ci);

/** The seed of this run: CRASH_SEED when set, else a fixed one (replayable by default). */
export const CRASH_SEED = Number(process.env.CRASH_SEED ?? 20_260_414);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number = CRASH_SEED): () => number {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max] from `random`. */
export const between = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

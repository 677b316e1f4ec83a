/**
 * @module canon/sample/ema-rates
 * The arithmetic of Honeycomb Refinery's EMA dynamic sampler (dynsampler-go's
 * `EMASampleRate`), in-process: per key, an exponential moving average of how many
 * events it had per window; from those averages, per-key sample rates on a log10 curve,
 * so that frequent keys are sampled down hard, rare keys stay at or near 1:1, and the
 * total kept converges on `total / goalRate`.
 */

/**
 * Folds one window's `counts` into `averages` (EMA with `weight` on the new window);
 * keys whose average falls below `ageOut` are forgotten.
 *
 * @example
 * const averages = new Map([['GET /a', 100]]);
 * updateAverages(averages, new Map([['GET /a', 50]]), 0.5, 0.5); // GET /a → 75
 */
export function updateAverages(
  averages: Map<string, number>,
  counts: Map<string, number>,
  weight: number,
  ageOut: number,
): void {
  for (const [key, average] of averages) {
    const next = weight * (counts.get(key) ?? 0) + (1 - weight) * average;
    if (next < ageOut) averages.delete(key);
    else averages.set(key, next);
  }
  for (const [key, count] of counts) {
    if (averages.has(key)) continue;
    const next = weight * count;
    if (next >= ageOut) averages.set(key, next);
  }
}

/**
 * Rounds a rate up to two decimals. Refinery rounds up to an integer because Honeycomb
 * stores integer sample rates; Canon's `sample_rate` is any number, and the finer rounding
 * keeps keys near the goal instead of jumping from 1:2 to 1:3.
 */
export function twoDecimalsUp(rate: number): number {
  return Math.ceil(rate * 100 - 1e-9) / 100;
}

/**
 * The sample rate of each key (>= 1) from its average count per window: each key is
 * allotted a share of the goal (`sum / goalRate` events) proportional to log10 of its
 * count; a key below its share keeps everything and passes the rest of its share on to
 * the keys after it (in key order, so the result does not depend on insertion order).
 * `roundUp` rounds each rate (Refinery: `Math.ceil`).
 *
 * @example
 * computeRates(new Map([['GET /', 10_000], ['GET /rare', 10]]), 20)
 * // Map { 'GET /' => 25, 'GET /rare' => 1 }
 */
export function computeRates(
  averages: Map<string, number>,
  goalRate: number,
  roundUp: (rate: number) => number = twoDecimalsUp,
): Map<string, number> {
  const rates = new Map<string, number>();
  let sum = 0;
  let logSum = 0;
  for (const average of averages.values()) {
    const count = Math.max(1, average);
    sum += count;
    logSum += Math.log10(count);
  }
  const keys = [...averages.keys()].sort();
  if (logSum === 0) {
    for (const key of keys) rates.set(key, 1); // every key seen about once: keep all
    return rates;
  }
  const goalRatio = sum / goalRate / logSum;
  let remaining = keys.length;
  let extra = 0;
  for (const key of keys) {
    const count = Math.max(1, averages.get(key)!);
    const share = extra / remaining;
    const goal = Math.max(1, Math.log10(count) * goalRatio) + share;
    extra -= share;
    remaining--;
    if (count <= goal) {
      rates.set(key, 1);
      extra += goal - count;
    } else {
      const rate = roundUp(count / goal);
      rates.set(key, Number.isFinite(rate) ? rate : 1);
      extra += goal - count / rates.get(key)!;
    }
  }
  return rates;
}

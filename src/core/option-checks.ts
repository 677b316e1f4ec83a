/**
 * @module canon/core/option-checks
 * The option checks every factory shares, so each bad option gets the same clear
 * `CanonOptionError` naming it: unknown keys, integers within bounds, booleans.
 */
import { describe, invalidOption } from './errors.js';

/**
 * Throws for the first key of `options` not in `known`, naming it `${prefix}${key}`.
 *
 * @example
 * rejectUnknownOptions({ sampel: 1 }, ['sample'])              // throws: `sampel`
 * rejectUnknownOptions({ x: 1 }, ['rate'], 'sample.')         // throws: `sample.x`
 */
export function rejectUnknownOptions(options: object, known: Iterable<string>, prefix = ''): void {
  const allowed = known instanceof Set ? (known as Set<string>) : new Set(known);
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) {
      throw invalidOption(`${prefix}${key}`, `unknown option (known: ${[...allowed].join(', ')})`);
    }
  }
}

export interface IntegerBounds {
  min: number;
  max?: number;
}

/**
 * `value` as an integer within `[min, max]`, or `fallback` when it is undefined.
 *
 * @example
 * integerOption(options.leaseMs, 'leaseMs', 30_000, { min: 100 }) // 30000 when not given
 */
export function integerOption<F extends number | undefined>(
  value: unknown,
  option: string,
  fallback: F,
  { min, max = Number.MAX_SAFE_INTEGER }: IntegerBounds,
): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw invalidOption(option, `expected an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

/**
 * `value` as a boolean, or `fallback` when it is undefined.
 *
 * @example
 * booleanOption(options.listen, 'listen', true)
 */
export function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(option, `expected a boolean, got ${describe(value)}`);
  return value;
}

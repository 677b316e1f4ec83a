/**
 * @module canon/webhooks/schedule
 * The retry schedule of outgoing deliveries: `schedule[0]` is the delay of the first
 * attempt, `schedule[n]` the delay after failed attempt n, so a delivery gets
 * `schedule.length` attempts. Retry delays are jittered up (by up to 10%), and a receiver's
 * `Retry-After` (seconds or an HTTP date, capped at a day) postpones the retry further.
 */
import { describe, invalidOption } from '../core/errors.js';

/** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (Svix's schedule). */
export const DEFAULT_SCHEDULE: readonly number[] = Object.freeze([
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
]);

const JITTER = 0.1;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
const MAX_STEP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Validates `schedule`: 1 to 100 delays in ms, each from 0 to 7 days.
 *
 * @example
 * resolveSchedule([0, 50, 100]) // 3 attempts
 */
export function resolveSchedule(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_SCHEDULE;
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    throw invalidOption('schedule', `expected an array of 1 to 100 delays in ms, got ${describe(value)}`);
  }
  value.forEach((delay, i) => {
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_STEP_MS) {
      throw invalidOption(
        `schedule[${i}]`,
        `expected an integer of ms from 0 to ${MAX_STEP_MS}, got ${describe(delay)}`,
      );
    }
  });
  return Object.freeze([...value]);
}

/**
 * The delay before the retry that follows failed attempt `attempt` (1-based), or
 * undefined when the schedule has no attempt left.
 *
 * @example
 * retryDelay([0, 5000, 300000], 1) // 5000..5500
 * retryDelay([0, 5000, 300000], 1, 60_000) // 60000 (Retry-After wins)
 */
export function retryDelay(
  schedule: readonly number[],
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  const step = schedule[attempt];
  if (step === undefined) return undefined;
  const jittered = Math.round(step * (1 + JITTER * random()));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * A `Retry-After` header in ms from now (delta-seconds or an HTTP date), or undefined.
 *
 * @example
 * parseRetryAfter('120') // 120000
 */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

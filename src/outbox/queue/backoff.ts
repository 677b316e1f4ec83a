/**
 * @module canon/outbox/queue/backoff
 * Retry delays: exponential backoff with "equal jitter". Attempt n waits between half and
 * all of `min(maxMs, baseMs * 2^(n-1))`, so retries of many failed items spread out
 * (no thundering herd) while each still waits at least half the nominal delay. Shared by
 * the outbox relay, webhook deliveries and broker consumers.
 */
import { describe, invalidOption } from '../../core/errors.js';

export interface BackoffOptions {
  /** Delay before the 2nd attempt, before jitter (default 1 000 ms). */
  baseMs?: number;
  /** Upper bound of any delay (default 60 000 ms). */
  maxMs?: number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: ResolvedBackoff = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Validates backoff options (a `TypeError` naming `option.baseMs` / `option.maxMs`).
 *
 * @example
 * resolveBackoff({ baseMs: 500 }, 'backoff') // { baseMs: 500, maxMs: 60000 }
 */
export function resolveBackoff(value: unknown, option = 'backoff'): ResolvedBackoff {
  if (value === undefined) return DEFAULT_BACKOFF;
  if (value === null || typeof value !== 'object') {
    throw invalidOption(option, `expected { baseMs?, maxMs? }, got ${describe(value)}`);
  }
  const {
    baseMs = DEFAULT_BACKOFF.baseMs,
    maxMs = Math.max(DEFAULT_BACKOFF.maxMs, baseMs),
    ...rest
  } = value as BackoffOptions;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw invalidOption(`${option}.${unknown[0]}`, 'unknown option (known: baseMs, maxMs)');
  if (!Number.isFinite(baseMs) || baseMs < 0) {
    throw invalidOption(`${option}.baseMs`, `expected a number >= 0, got ${describe(baseMs)}`);
  }
  if (!Number.isFinite(maxMs) || maxMs < baseMs) {
    throw invalidOption(`${option}.maxMs`, `expected a number >= baseMs (${baseMs}), got ${describe(maxMs)}`);
  }
  return { baseMs, maxMs };
}

/**
 * The delay before retrying after failed attempt number `attempt` (1-based).
 *
 * @example
 * backoffDelay(1, { baseMs: 1000, maxMs: 60000 }) // 500..1000
 * backoffDelay(4, { baseMs: 1000, maxMs: 60000 }) // 4000..8000
 * backoffDelay(20, { baseMs: 1000, maxMs: 60000 }) // 30000..60000
 */
export function backoffDelay(
  attempt: number,
  options: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}

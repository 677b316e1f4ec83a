/**
 * @module canon/browser/backoff
 * Exponential backoff with jitter, for reconnecting streams and resending telemetry.
 */

/**
 * @internal The delay before retry number `attempt` (0 first): doubling from `minMs`,
 * capped at `maxMs`, then a random half of it kept ("equal jitter"), so clients that
 * lost the same server do not all come back at the same moment.
 *
 * @example
 * backoff(0, 1000, 30_000) // between 500 and 1000
 * backoff(3, 1000, 30_000) // between 4000 and 8000
 */
export function backoff(attempt: number, minMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

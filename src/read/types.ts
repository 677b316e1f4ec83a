/**
 * @module canon/read/types
 * The shapes the read side passes around: an event as read back from a JSON line, and
 * the counters every reader keeps.
 */

/** One event as read back from a JSON line: a plain object, fields as Canon wrote them. */
export type EventRecord = Record<string, unknown>;

/** What a reader has seen so far. */
export interface ReadStats {
  /** Non-blank lines read. */
  lines: number;
  /** Lines that were JSON objects (handed on as events). */
  events: number;
  /** Lines that were not JSON objects: skipped and counted, never fatal. */
  bad: number;
}

/** Called with every skipped line and where it came from (`'-'` for stdin). */
export type BadLineHandler = (line: string, source: string) => void;

/**
 * A fresh, zeroed {@link ReadStats}.
 *
 * @example
 * const stats = newReadStats(); // { lines: 0, events: 0, bad: 0 }
 */
export function newReadStats(): ReadStats {
  return { lines: 0, events: 0, bad: 0 };
}

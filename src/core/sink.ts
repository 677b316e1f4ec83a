/**
 * @module canon/core/sink
 * The sink contract: where serialized events go. A sink that throws or rejects never
 * breaks the request; Canon counts the failure in `stats().sink_errors`.
 */
import { describe, invalidOption } from './errors.js';
import type { Fields } from './paths.js';

export interface Sink {
  /**
   * Receives one serialized event (no trailing newline) and the object it came from.
   * Returns `false` when the sink dropped the line (its buffer is full): Canon counts it in
   * `stats().dropped` and publishes it on `canon:dropped`.
   */
  write(line: string, event: Fields): void | boolean | Promise<void>;
  /** Pushes buffered lines out (called by `canon.flush()` and before exit). */
  flush?(): void | Promise<void>;
  /** Pushes buffered lines out synchronously (called on `exit` and signals). */
  flushSync?(): void;
  /** Flushes and releases resources (called by `canon.close()`). */
  close?(): void | Promise<void>;
}

/**
 * Checks every sink has the right shape; throws naming `sinks[i]` otherwise.
 *
 * @example
 * checkSinks([memorySink()]) // ok
 * checkSinks([{}])           // TypeError: canon: invalid option `sinks[0]`: ...
 */
export function checkSinks(sinks: unknown, option = 'sinks'): Sink[] {
  if (!Array.isArray(sinks))
    throw invalidOption(option, `expected an array of sinks, got ${describe(sinks)}`);
  sinks.forEach((sink, i) => {
    if (sink === null || typeof sink !== 'object' || typeof (sink as Sink).write !== 'function') {
      throw invalidOption(`${option}[${i}]`, `expected { write(line, event) }, got ${describe(sink)}`);
    }
    for (const method of ['flush', 'flushSync', 'close'] as const) {
      const fn = (sink as Record<string, unknown>)[method];
      if (fn !== undefined && typeof fn !== 'function') {
        throw invalidOption(`${option}[${i}].${method}`, `expected a function, got ${describe(fn)}`);
      }
    }
  });
  return sinks as Sink[];
}

/**
 * Hands `line` to every sink; a sink that throws or rejects is reported to `onError`
 * and never stops the others; one that drops the line (returns `false`) to `onDropped`.
 *
 * @example
 * writeToSinks(sinks, JSON.stringify(event), event, (sink, error) => stats.sink_errors++);
 */
export function writeToSinks(
  sinks: Sink[],
  line: string,
  event: Fields,
  onError: (sink: Sink, error: unknown) => void,
  onDropped?: (sink: Sink, event: Fields) => void,
): void {
  for (const sink of sinks) {
    try {
      const result = sink.write(line, event);
      if (result === false) onDropped?.(sink, event);
      else if (result instanceof Promise) result.catch((error) => onError(sink, error));
    } catch (error) {
      onError(sink, error);
    }
  }
}

/**
 * @module canon/console/sink
 * `consoleSink()`: the last N emitted events (default 10,000) in a ring buffer, as the
 * serialized lines the other sinks get, so the console shows exactly what the JSON
 * lines hold (after redaction) and never a live object. Each line gets an id that
 * increases across restarts (start time in µs, like the SSE hub's), used as the SSE id.
 */
import { describe, invalidOption } from '../core/errors.js';
import { integerOption, rejectUnknownOptions } from '../core/option-checks.js';
import type { Sink } from '../core/sink.js';

/** One buffered event. */
export interface ConsoleEntry {
  /** Decimal id, increasing; the SSE id of the Live page. */
  id: string;
  /** The event as serialized for the sinks (one JSON object, no newline). */
  line: string;
}

export interface ConsoleSinkOptions {
  /** Events kept; older ones are forgotten (default 10,000). */
  size?: number;
}

export interface ConsoleSink extends Sink {
  /** How many events it keeps at most. */
  readonly capacity: number;
  /** How many it holds now. */
  readonly size: number;
  /** The newest `limit` entries (all by default), oldest first. */
  entries(limit?: number): ConsoleEntry[];
  /** Calls `listener` with every entry written from now on; returns the unsubscribe. */
  subscribe(listener: (entry: ConsoleEntry) => void): () => void;
}

/** Default number of events kept. */
export const DEFAULT_CONSOLE_EVENTS = 10_000;

/**
 * Creates the in-process buffer the console reads. `createConsole({ canon })` makes its
 * own; pass one in `sinks` yourself only to feed a console without the instance.
 *
 * @example
 * import { createCanon, stdoutSink } from 'canon';
 * import { consoleSink, createConsole } from 'canon/console';
 * const events = consoleSink({ size: 2_000 });
 * const canon = createCanon({ sinks: [stdoutSink(), events] });
 * const handler = createConsole({ sink: events });
 */
export function consoleSink(options: ConsoleSinkOptions = {}): ConsoleSink {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { size? }, got ${describe(options)}`);
  rejectUnknownOptions(options, ['size']);
  const capacity = integerOption(options.size, 'size', DEFAULT_CONSOLE_EVENTS, { min: 1, max: 1_000_000 });
  const lines: string[] = new Array(capacity);
  const ids: number[] = new Array(capacity);
  const listeners = new Set<(entry: ConsoleEntry) => void>();
  let next = Date.now() * 1000;
  let head = 0; // where the next line goes
  let count = 0;

  return {
    capacity,
    get size() {
      return count;
    },
    write(line) {
      const id = ++next;
      lines[head] = line;
      ids[head] = id;
      head = (head + 1) % capacity;
      if (count < capacity) count++;
      if (listeners.size === 0) return;
      const entry = { id: String(id), line };
      for (const listener of listeners) {
        try {
          listener(entry);
        } catch {
          // a listener never costs the event its other listeners
        }
      }
    },
    entries(limit = count) {
      const n = Math.max(0, Math.min(limit, count));
      const out: ConsoleEntry[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const at = (head - n + i + capacity) % capacity;
        out[i] = { id: String(ids[at]), line: lines[at] };
      }
      return out;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

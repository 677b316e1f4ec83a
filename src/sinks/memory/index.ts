/**
 * @module canon/sinks/memory
 * Keeps emitted events in memory: the sink for tests.
 */
import type { Sink } from '../../core/sink.js';

export interface MemorySink extends Sink {
  /** Emitted events, parsed back from their serialized line (after redaction). */
  readonly events: Record<string, any>[];
  /** The serialized lines, as other sinks receive them. */
  readonly lines: string[];
  /** Forgets everything received so far. */
  clear(): void;
}

/**
 * A sink that records events for assertions.
 *
 * @example
 * const sink = memorySink();
 * const canon = createCanon({ sinks: [sink] });
 * await canon.run({ kind: 'job' }, () => {});
 * sink.events[0].outcome // 'success'
 */
export function memorySink(): MemorySink {
  const events: Record<string, any>[] = [];
  const lines: string[] = [];
  return {
    events,
    lines,
    write(line) {
      lines.push(line);
      events.push(JSON.parse(line));
    },
    clear() {
      events.length = 0;
      lines.length = 0;
    },
  };
}

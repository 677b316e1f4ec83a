/**
 * @module canon/sinks/memory
 * Keeps emitted events in memory: the sink for tests.
 */
import type { CanonEvent } from '../../core/emitted.js';
import type { Sink } from '../../core/sink.js';

/**
 * An event as `memorySink()` keeps it: standard fields typed as in {@link CanonEvent},
 * your fields `any` so that assertions can reach into them (`event.user.id`). Lines of
 * `canon/logger` written through the sink are kept too (`kind: 'log'`).
 */
export interface RecordedEvent extends CanonEvent {
  [field: string]: any;
}

export interface MemorySink extends Sink {
  /** Emitted events, parsed back from their serialized line (after redaction). */
  readonly events: RecordedEvent[];
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
  const events: RecordedEvent[] = [];
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

/**
 * @module canon/read/read-events
 * `readEvents`: every event of a list of sources, in order, as an async iterable. Lines
 * that are not JSON objects are skipped and counted in `stats.bad` (and handed to
 * `onBadLine` when given); a source that cannot be read is an error naming it.
 */
import { isBlank, parseEventLine } from './parse.js';
import { lineBatches } from './lines.js';
import { openSource, readFailure, resolveSources } from './sources.js';
import { type BadLineHandler, type EventRecord, newReadStats, type ReadStats } from './types.js';

export interface ReadEventsOptions {
  /** What `-` reads (default `process.stdin`). */
  stdin?: NodeJS.ReadableStream;
  /** Called with each skipped line. */
  onBadLine?: BadLineHandler;
  /** Resolve globs against this directory (default `process.cwd()`). */
  cwd?: string;
}

/** The events of some sources; `stats` fills in as they are read. */
export interface EventStream extends AsyncIterable<EventRecord> {
  readonly stats: ReadStats;
  /** The same events in arrays (one per chunk read): no `await` per event on hot loops. */
  batches(): AsyncIterable<EventRecord[]>;
}

/**
 * Reads the events of `sources` (files, globs, `.gz`, `-` for stdin), one after the other.
 *
 * @example
 * const events = readEvents(['logs/*.jsonl.gz']);
 * for await (const event of events) if (event.status_code === 500) console.log(event.request_id);
 * console.error(`${events.stats.bad} bad lines`);
 */
export function readEvents(sources: string | readonly string[], options: ReadEventsOptions = {}): EventStream {
  const stats = newReadStats();
  const list = typeof sources === 'string' ? [sources] : sources;
  async function* batches(): AsyncGenerator<EventRecord[]> {
    for (const source of await resolveSources(list, options.cwd)) {
      try {
        for await (const lines of lineBatches(openSource(source, options.stdin))) {
          const events: EventRecord[] = [];
          for (const line of lines) {
            if (isBlank(line)) continue;
            stats.lines++;
            const event = parseEventLine(line);
            if (event) events.push(event);
            else {
              stats.bad++;
              options.onBadLine?.(line, source);
            }
          }
          stats.events += events.length;
          if (events.length > 0) yield events;
        }
      } catch (err) {
        throw readFailure(source, err);
      }
    }
  }
  async function* each(): AsyncGenerator<EventRecord> {
    for await (const events of batches()) yield* events;
  }
  return { stats, batches, [Symbol.asyncIterator]: each };
}

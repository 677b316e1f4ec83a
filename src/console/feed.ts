/**
 * @module canon/console/feed
 * How a console sees one instance's events without any sink configured: it subscribes
 * to `diagnostics_channel` `canon:event` (published only while someone listens) and
 * keeps the events of that instance, serialized exactly as the sinks got them.
 * The console's own requests (its page, API calls and live stream, when it is mounted
 * behind a Canon adapter) are left out so it does not fill its own view.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { Canon } from '../core/canon.js';
import type { Fields } from '../core/paths.js';
import type { ConsoleSink } from './sink.js';

/** Request ids of the console's own requests, remembered until their event passes. */
export interface OwnRequests {
  add(requestId: string): void;
  /** True (and forgotten) when `requestId` is one of the console's. */
  take(requestId: unknown): boolean;
}

/** At most this many ids are remembered (a request whose event never comes ages out). */
const MAX_OWN = 1_000;

/**
 * @example
 * const own = ownRequests();
 * own.add('01J…'); own.take('01J…') // true
 */
export function ownRequests(): OwnRequests {
  const ids = new Set<string>();
  return {
    add(requestId) {
      ids.add(requestId);
      if (ids.size > MAX_OWN) ids.delete(ids.values().next().value as string);
    },
    take(requestId) {
      return typeof requestId === 'string' && ids.delete(requestId);
    },
  };
}

/**
 * Writes every event `canon` emits into `sink` until the returned function is called.
 *
 * @example
 * const stop = feedFromCanon(canon, consoleSink(), ownRequests());
 */
export function feedFromCanon(canon: Canon, sink: ConsoleSink, own: OwnRequests): () => void {
  function onEvent(message: unknown): void {
    const { canon: origin, event } = message as { canon?: unknown; event?: Fields };
    if (origin !== canon || event === undefined || own.take(event.request_id)) return;
    let line: string;
    try {
      line = JSON.stringify(event); // the same text the sinks received
    } catch {
      return;
    }
    sink.write(line, event);
  }
  diagnostics_channel.subscribe('canon:event', onEvent);
  return () => diagnostics_channel.unsubscribe('canon:event', onEvent);
}

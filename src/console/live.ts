/**
 * @module canon/console/live
 * The Live page's data: a snapshot of the buffered events, then a stream of new ones
 * over Canon's own SSE hub (`canon/sse`). Each event's SSE id is its buffer id, so the
 * page opens the stream at the snapshot's last id (no gap) and EventSource resumes with
 * `Last-Event-ID` after a drop; a client too far behind gets `event: reset` and reloads.
 * A filter (the `--where` expressions of `canon tail` and `canon query`) narrows both.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseEventLine } from '../read/parse.js';
import type { EventFilter } from '../read/expr/index.js';
import { createSseHub } from '../sse/hub.js';
import type { ConsoleSink } from './sink.js';

const CHANNEL = 'events';
/** Events the hub keeps for resume: a reconnect within this many events misses nothing. */
const REPLAY_EVENTS = 2_000;

export interface Live {
  /**
   * `{ last_id, capacity, events }`: the newest `limit` events (matching `filter`) as one JSON
   * text, lines kept verbatim; `last_id` is the newest buffered id, matching or not.
   */
  snapshot(limit: number, filter?: EventFilter): string;
  /** Streams new events (matching `filter`) to `res`, from `lastEventId` (a query parameter) when the request has no header. */
  connect(req: IncomingMessage, res: ServerResponse, lastEventId: string | undefined, filter?: EventFilter): void;
  /** Stops forwarding and ends every stream. */
  close(): Promise<void>;
}

/**
 * @example
 * const live = createLive(consoleSink());
 * res.end(live.snapshot(500));
 */
export function createLive(sink: ConsoleSink): Live {
  const hub = createSseHub({
    replay: { size: REPLAY_EVENTS },
    maxBufferBytes: 32 * 1024 * 1024,
    heartbeatMs: 15_000,
    retryMs: 1_000,
  });
  const stop = sink.subscribe(function forward(entry) {
    hub.publish(CHANNEL, { event: 'wide', id: entry.id, data: entry.line });
  });
  return {
    snapshot(limit, filter) {
      const all = sink.entries();
      const lastId = all.length > 0 ? JSON.stringify(all[all.length - 1].id) : 'null';
      const lines: string[] = [];
      for (let i = all.length - 1; i >= 0 && lines.length < limit; i--) {
        const event = filter ? parseEventLine(all[i].line) : undefined;
        if (!filter || (event && filter.test(event))) lines.push(all[i].line);
      }
      return `{"last_id":${lastId},"capacity":${sink.capacity},"events":[${lines.reverse().join(',')}]}`;
    },
    connect(req, res, lastEventId, filter) {
      const test = filter && ((message: { data: unknown }) => filter.test(parseEventLine(String(message.data)) ?? {}));
      hub.connect(req, res, { channels: [CHANNEL], lastEventId, filter: test });
    },
    async close() {
      stop();
      await hub.close();
    },
  };
}

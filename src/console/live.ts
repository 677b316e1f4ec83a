/**
 * @module canon/console/live
 * The Live page's data: a snapshot of the buffered events, then a stream of new ones
 * over Canon's own SSE hub (`canon/sse`). Each event's SSE id is its buffer id, so the
 * page opens the stream at the snapshot's last id (no gap) and EventSource resumes with
 * `Last-Event-ID` after a drop; a client too far behind gets `event: reset` and reloads.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSseHub } from '../sse/hub.js';
import type { ConsoleSink } from './sink.js';

const CHANNEL = 'events';
/** Events the hub keeps for resume: a reconnect within this many events misses nothing. */
const REPLAY_EVENTS = 2_000;

export interface Live {
  /** `{ last_id, events }`: the newest `limit` events as one JSON text (lines kept verbatim). */
  snapshot(limit: number): string;
  /** Streams new events to `res`, from `lastEventId` (a query parameter) when the request has no header. */
  connect(req: IncomingMessage, res: ServerResponse, lastEventId: string | undefined): void;
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
    snapshot(limit) {
      const entries = sink.entries(limit);
      const lastId = entries.length > 0 ? JSON.stringify(entries[entries.length - 1].id) : 'null';
      return `{"last_id":${lastId},"capacity":${sink.capacity},"events":[${entries.map((e) => e.line).join(',')}]}`;
    },
    connect(req, res, lastEventId) {
      hub.connect(req, res, { channels: [CHANNEL], lastEventId });
    },
    async close() {
      stop();
      await hub.close();
    },
  };
}

/**
 * @module canon/console/reader
 * The Query and Trace pages' data, over the console's files when it has some (they hold
 * everything; the buffer would only repeat their tail), else over its buffer of recent
 * events. The reading, querying and tree building are the read side's (src/read), the
 * same code as `canon query` and `canon trace`.
 */
import { CanonError, ErrorCodes } from '../core/errors.js';
import { parseEventLine } from '../read/parse.js';
import { queryEvents } from '../read/query/run.js';
import { readEvents } from '../read/read-events.js';
import { traceTree } from '../read/trace/tree.js';
import type { EventRecord } from '../read/types.js';
import { ApiError } from './respond.js';
import type { ConsoleSink } from './sink.js';

/** One row of the waterfall, in display order. */
export interface TraceSpan {
  depth: number;
  /** Start relative to the trace's first event, ms. */
  offset_ms: number;
  duration_ms: number;
  /** Its parent span is not among the events. */
  orphan: boolean;
  event: EventRecord;
}

async function traceEvents(files: string[], sink: ConsoleSink, traceId: string): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  if (files.length > 0) {
    for await (const event of readEvents(files)) if (event.trace_id === traceId) events.push(event);
    return events;
  }
  for (const { line } of sink.entries()) {
    if (!line.includes(traceId)) continue; // cheap before parsing
    const event = parseEventLine(line);
    if (event?.trace_id === traceId) events.push(event);
  }
  return events;
}

/**
 * @example
 * const reader = createReader([], sink);
 * const { spans } = await reader.trace('4bf92f3577b34da6a3ce929d0e0e4736');
 */
export function createReader(files: string[], sink: ConsoleSink) {
  return {
    /** `{ columns, rows, skipped }`; a query error is a 400, DuckDB missing a 501 saying what to install. */
    async query(sql: string) {
      try {
        const input = files.length > 0 ? { sql, files } : { sql, lines: sink.entries().map((entry) => entry.line) };
        const { columns, rows, skipped } = await queryEvents(input);
        return { columns, rows, skipped };
      } catch (error) {
        if (!(error instanceof CanonError)) throw error;
        throw new ApiError(error.code === ErrorCodes.MISSING_DEPENDENCY ? 501 : 400, error.message);
      }
    },
    /** `{ trace_id, start, duration_ms, services, spans }`. */
    async trace(traceId: string) {
      const tree = traceTree(await traceEvents(files, sink, traceId), traceId);
      const spans: TraceSpan[] = tree.nodes.map((node) => ({
        depth: node.depth,
        offset_ms: node.offset,
        duration_ms: node.duration,
        orphan: node.missingParent,
        event: node.event,
      }));
      const known = tree.nodes.length > 0 && Number.isFinite(tree.start);
      return {
        trace_id: traceId,
        start: known ? new Date(tree.start).toISOString() : null,
        duration_ms: known ? tree.end - tree.start : 0,
        services: tree.services,
        spans,
      };
    },
  };
}

/**
 * @module canon/read
 * The read side shared by the `canon` command and the console: it reads the JSON lines
 * Canon writes (never live objects) and turns them into what people look at.
 *
 * - Reading: `readEvents(sources)` (files, globs, `.gz`, `-` for stdin; an async iterable
 *   of events, `.batches()` for arrays of them; lines that are not JSON objects skipped and
 *   counted in `stats.bad`), `followEvents(paths, onEvent, { lines })` → `{ stop(), stats }`
 *   (`tail -F`: follows growth, rotation and truncation), `parseEventLine(line)`.
 * - Pretty: `formatPretty(event, { colors, fields })`, `colorsEnabled(stream)`.
 * - Filters: `compileFilter('status_code >= 500 and user.id = "u_1"')` → `{ test(event), sql }`,
 *   the same expressions for `canon tail --where` (in JS) and `canon query --where` (SQL).
 * - Query: `queryEvents({ files | lines, sql | where/groupBy/agg/... })` → `{ columns, rows }`
 *   over DuckDB (`@duckdb/node-api`, optional peer; missing → `CANON_MISSING_DEPENDENCY`).
 * - Traces: `traceTree(events, traceId)` → nodes with depth, offset, duration and
 *   `missingParent` (a child joins the event whose `span_id`, `external.calls[].span_id`,
 *   `events_published[].span_id` or `webhook.span_id` is its `parent_span_id`);
 *   `renderWaterfall(tree)` for terminals.
 * - Flows: `collectFlows()` / `buildFlows(events)` → `FlowMap`; `flowsMarkdown(map)`,
 *   `flowsMermaid(map)`.
 * - Operations: `openDatabase(url)` (pg, optional peer), `deadOutboxRows(outbox)`,
 *   `failedDeliveries(store)`; counts and redrive are the stores' own `stats()`/`redrive()`.
 *
 * Nothing here loads a peer dependency until a function that needs it is called.
 *
 * @example
 * import { readEvents, formatPretty, traceTree } from './read/index.js';
 * const events = [];
 * for await (const event of readEvents(['logs/*.jsonl.gz'])) events.push(event);
 * const tree = traceTree(events, '4bf92f3577b34da6a3ce929d0e0e4736');
 */
export { buildFlows, collectFlows, type EventFlow, type FlowCollector, type FlowEdge, type FlowMap } from './flows/collect.js';
export { errorRate, flowsMarkdown, type FlowsMarkdownOptions, flowsMermaid, flowTable } from './flows/markdown.js';
export { compileFilter, type EventFilter } from './expr/index.js';
export { type Follower, type FollowOptions, followEvents } from './follow.js';
export { type Database, openDatabase } from './ops/database.js';
export { type DeadOutboxRow, type DeadRowsOptions, deadOutboxRows } from './ops/outbox.js';
export { type FailedDeliveriesOptions, type FailedDelivery, failedDeliveries } from './ops/webhooks.js';
export { isBlank, parseEventLine } from './parse.js';
export { colorsEnabled } from './pretty/colors.js';
export { formatPretty, type PrettyOptions } from './pretty/format.js';
export { formatDuration, valueAtPath } from './pretty/values.js';
export { type QueryInput, type QueryResult, queryEvents, querySql } from './query/run.js';
export type { QueryShorthands } from './query/shorthand.js';
export { type EventStream, type ReadEventsOptions, readEvents } from './read-events.js';
export { resolveSources, STDIN } from './sources.js';
export { type TraceNode, type TraceTree, traceTree } from './trace/tree.js';
export { renderWaterfall, type WaterfallOptions } from './trace/waterfall.js';
export type { BadLineHandler, EventRecord, ReadStats } from './types.js';

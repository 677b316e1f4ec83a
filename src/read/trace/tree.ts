/**
 * @module canon/read/trace/tree
 * `traceTree`: the events of one trace as a tree. A child joins its parent through its
 * `parent_span_id`, which is either the parent's own `span_id` or a client span id the
 * parent recorded for something it sent:
 * - an outgoing call, `external.calls[].span_id` (canon/fetch): joined `via` its host;
 * - an event it created or sent to a broker, `events_published[].span_id` (canon/events,
 *   canon/consumer): the outbox attempt, webhook attempts and consumer deliveries of that
 *   event hang under the request that created it, and under the relay that sent it on;
 * - a webhook attempt's request, `webhook.span_id` (canon/webhooks with `propagateTrace`):
 *   the receiver's event joins `via` the endpoint's host.
 * An event whose parent is not among the events is a root marked `missingParent`; siblings
 * are ordered by start time. Bad data (a span id used twice, a parent loop) never loses an
 * event: duplicates join the first holder of the id (own span ids before client ones),
 * loops are cut and shown at the root.
 */
import { asRecord, objectAt, textAt } from '../pretty/values.js';
import type { EventRecord } from '../types.js';

export interface TraceNode {
  event: EventRecord;
  /** Start, in ms since the epoch (from `timestamp`; NaN when it has none). */
  start: number;
  /** Start relative to the trace's first event, in ms. */
  offset: number;
  duration: number;
  depth: number;
  children: TraceNode[];
  /** It names a parent span (`parent_span_id`) that none of the events has. */
  missingParent: boolean;
  /** The parent's outgoing request it came through (`{ host, method }`): a call or a webhook attempt. */
  via?: { host?: string; method?: string };
}

export interface TraceTree {
  traceId: string;
  roots: TraceNode[];
  /** Every node, depth-first in display order. */
  nodes: TraceNode[];
  /** First start and last end, in ms since the epoch. */
  start: number;
  end: number;
  /** Distinct services seen. */
  services: string[];
}

interface ClientSpan {
  spanId: string;
  via?: TraceNode['via'];
}

/** The client span ids `event` recorded for what it sent: calls, published events, a webhook request. */
function clientSpans(event: EventRecord): ClientSpan[] {
  const out: ClientSpan[] = [];
  const calls = objectAt(event, 'external')?.calls;
  for (const call of Array.isArray(calls) ? calls : []) {
    const record = asRecord(call);
    const spanId = textAt(record, 'span_id');
    if (spanId) out.push({ spanId, via: { host: textAt(record, 'host'), method: textAt(record, 'method') } });
  }
  const published = event.events_published;
  for (const entry of Array.isArray(published) ? published : []) {
    const spanId = textAt(asRecord(entry), 'span_id');
    if (spanId) out.push({ spanId });
  }
  const webhook = objectAt(event, 'webhook');
  const webhookSpan = textAt(webhook, 'span_id');
  if (webhookSpan) out.push({ spanId: webhookSpan, via: { host: textAt(webhook, 'host'), method: 'POST' } });
  return out;
}

function toNode(event: EventRecord): TraceNode {
  const start = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : Number.NaN;
  const duration = typeof event.duration_ms === 'number' && event.duration_ms > 0 ? event.duration_ms : 0;
  return { event, start, offset: 0, duration, depth: 0, children: [], missingParent: false };
}

const byStart = (a: TraceNode, b: TraceNode) => (a.start || 0) - (b.start || 0);

/**
 * Builds the tree of the events of `traceId` among `events` (all of them when no id is given).
 *
 * @example
 * const tree = traceTree(events, '4bf92f3577b34da6a3ce929d0e0e4736');
 * for (const node of tree.nodes) console.log(' '.repeat(node.depth * 2) + node.event.kind, node.offset);
 */
export function traceTree(events: Iterable<EventRecord>, traceId?: string): TraceTree {
  const nodes: TraceNode[] = [];
  for (const event of events) if (traceId === undefined || event.trace_id === traceId) nodes.push(toNode(event));
  nodes.sort(byStart);
  const bySpan = new Map<string, { node: TraceNode; via?: TraceNode['via'] }>();
  for (const node of nodes) {
    const spanId = textAt(node.event, 'span_id');
    if (spanId && !bySpan.has(spanId)) bySpan.set(spanId, { node });
  }
  for (const node of nodes) {
    for (const client of clientSpans(node.event)) {
      if (!bySpan.has(client.spanId)) bySpan.set(client.spanId, { node, via: client.via });
    }
  }
  const roots: TraceNode[] = [];
  for (const node of nodes) {
    const parentSpan = textAt(node.event, 'parent_span_id');
    const parent = parentSpan ? bySpan.get(parentSpan) : undefined;
    if (parent && parent.node !== node) {
      parent.node.children.push(node);
      if (parent.via) node.via = parent.via;
    } else {
      node.missingParent = parentSpan !== undefined && parent === undefined;
      roots.push(node);
    }
  }
  const first = nodes.find((node) => !Number.isNaN(node.start))?.start ?? 0;
  const ordered: TraceNode[] = [];
  const seen = new Set<TraceNode>();
  const visit = (node: TraceNode, depth: number) => {
    if (seen.has(node)) return;
    seen.add(node);
    node.depth = depth;
    node.offset = Number.isNaN(node.start) ? 0 : node.start - first;
    ordered.push(node);
    for (const child of node.children.sort(byStart)) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  for (const node of nodes) {
    if (seen.has(node)) continue; // in a parent loop: shown at the root
    node.missingParent = true;
    roots.push(node);
    visit(node, 0);
  }
  let end = first;
  for (const node of ordered) end = Math.max(end, first + node.offset + node.duration);
  const services = [...new Set(nodes.map((node) => textAt(node.event, 'service')).filter((s): s is string => !!s))];
  const id = traceId ?? textAt(nodes[0]?.event, 'trace_id') ?? '';
  return { traceId: id, roots, nodes: ordered, start: first, end, services };
}

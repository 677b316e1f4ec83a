/**
 * @module canon/read/trace/tree
 * `traceTree`: the events of one trace as a tree. A child joins its parent through its
 * `parent_span_id`, which is either the parent's `span_id` or the `span_id` of one of the
 * parent's outgoing calls (`external.calls[].span_id`, recorded by canon/fetch). An event
 * whose parent is not among the events is a root marked `missingParent`; siblings are
 * ordered by start time. Bad data (a span id used twice, a parent loop) never loses an
 * event: duplicates join the first holder of the id, loops are cut and shown at the root.
 */
import { objectAt, textAt } from '../pretty/values.js';
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
  /** The parent's outgoing call it came through (`{ host, method }`), when joined that way. */
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

function callSpans(event: EventRecord): { spanId: string; host?: string; method?: string }[] {
  const calls = objectAt(event, 'external')?.calls;
  if (!Array.isArray(calls)) return [];
  const out: { spanId: string; host?: string; method?: string }[] = [];
  for (const call of calls) {
    const record = call !== null && typeof call === 'object' ? (call as EventRecord) : undefined;
    const spanId = textAt(record, 'span_id');
    if (spanId) out.push({ spanId, host: textAt(record, 'host'), method: textAt(record, 'method') });
  }
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
    for (const call of callSpans(node.event)) {
      if (!bySpan.has(call.spanId)) bySpan.set(call.spanId, { node, via: { host: call.host, method: call.method } });
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

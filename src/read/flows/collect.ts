/**
 * @module canon/read/flows/collect
 * The event flow map observed in real traffic, built from the fields Canon's eventing
 * already writes:
 * - producers: any unit whose `events_published: [{ type, id }]` lists the type
 *   (canon/events records every event created in scope there), except the event the unit
 *   itself handles (its own `event.id`): a unit that sends that one on to a broker (the
 *   outbox relay lists the event it publishes) passes it along, it did not produce it;
 * - relays: `kind: 'outbox'` attempts (`event.type`, `outbox.topic`, canon/outbox);
 * - consumers: `kind: 'message'` deliveries (`event.type`, `message.consumer`, canon/consumer);
 * - webhooks: `kind: 'webhook'` attempts (`event.type`, `webhook.endpoint_id`/`host`, canon/webhooks).
 * Each edge counts units and those whose outcome was not `success`.
 */
import { objectAt, textAt } from '../pretty/values.js';
import type { EventRecord } from '../types.js';

/** One producer, relay, consumer or webhook endpoint of an event type. */
export interface FlowEdge {
  /** `POST /checkout`, `job nightly-report`, `orders/billing` (consumer), `orders` (topic), `ep_1` (endpoint). */
  name: string;
  service?: string;
  kind: string;
  /** More about it: the webhook endpoint's host. */
  detail?: string;
  count: number;
  /** Units of this edge whose outcome was not `success`. */
  errors: number;
}

export interface EventFlow {
  type: string;
  producers: FlowEdge[];
  relays: FlowEdge[];
  consumers: FlowEdge[];
  webhooks: FlowEdge[];
}

export interface FlowMap {
  /** One entry per event type, sorted by type. */
  types: EventFlow[];
  /** Events looked at. */
  events: number;
  /** First and last `timestamp` seen. */
  from?: string;
  to?: string;
}

export interface FlowCollector {
  add(event: EventRecord): void;
  result(): FlowMap;
}

type Role = 'producers' | 'relays' | 'consumers' | 'webhooks';

/** How a producing unit is named on the map. */
function producerName(event: EventRecord): string {
  const kind = textAt(event, 'kind');
  if (kind === 'http') return [textAt(event, 'method'), textAt(event, 'route') ?? textAt(event, 'path')].filter(Boolean).join(' ');
  if (kind === 'message') return textAt(objectAt(event, 'message'), 'consumer') ?? 'consumer';
  if (kind === 'outbox') return textAt(objectAt(event, 'outbox'), 'topic') ?? 'relay';
  if (kind === 'job') return `job ${textAt(objectAt(event, 'job'), 'name') ?? ''}`.trim();
  return textAt(event, 'path') ?? kind ?? 'unit';
}

/**
 * A collector to feed events one by one (for streams too large to hold).
 *
 * @example
 * const flows = collectFlows();
 * for await (const event of readEvents(['logs/*.jsonl'])) flows.add(event);
 * console.log(flowsMarkdown(flows.result()));
 */
export function collectFlows(): FlowCollector {
  const types = new Map<string, Map<string, FlowEdge & { role: Role }>>();
  let events = 0;
  let from: string | undefined;
  let to: string | undefined;

  function count(type: string, role: Role, edge: Omit<FlowEdge, 'count' | 'errors'>, failed: boolean) {
    let edges = types.get(type);
    if (!edges) types.set(type, (edges = new Map()));
    const key = `${role}\u0000${edge.service ?? ''}\u0000${edge.name}\u0000${edge.detail ?? ''}`;
    let found = edges.get(key);
    if (!found) edges.set(key, (found = { ...edge, role, count: 0, errors: 0 }));
    found.count++;
    if (failed) found.errors++;
  }

  return {
    add(event) {
      events++;
      const time = textAt(event, 'timestamp');
      if (time !== undefined) {
        if (from === undefined || time < from) from = time;
        if (to === undefined || time > to) to = time;
      }
      const kind = textAt(event, 'kind') ?? 'unit';
      const service = textAt(event, 'service');
      const failed = event.outcome !== undefined && event.outcome !== 'success';
      const handled = objectAt(event, 'event');
      const published = event.events_published;
      if (Array.isArray(published)) {
        const name = producerName(event);
        const handledId = textAt(handled, 'id');
        for (const entry of published as EventRecord[]) {
          const type = textAt(entry, 'type');
          const passedOn = handledId !== undefined && textAt(entry, 'id') === handledId;
          if (type && !passedOn) count(type, 'producers', { name, service, kind }, failed);
        }
      }
      const type = textAt(handled, 'type');
      if (!type) return;
      if (kind === 'outbox') {
        count(type, 'relays', { name: textAt(objectAt(event, 'outbox'), 'topic') ?? type, service, kind }, failed);
      } else if (kind === 'message') {
        count(type, 'consumers', { name: textAt(objectAt(event, 'message'), 'consumer') ?? '?', service, kind }, failed);
      } else if (kind === 'webhook') {
        const webhook = objectAt(event, 'webhook');
        const name = textAt(webhook, 'endpoint_id') ?? '?';
        count(type, 'webhooks', { name, service, kind, detail: textAt(webhook, 'host') }, failed);
      }
    },
    result() {
      const list: EventFlow[] = [...types.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, edges]) => {
          const flow: EventFlow = { type, producers: [], relays: [], consumers: [], webhooks: [] };
          for (const { role, ...edge } of edges.values()) flow[role].push(edge);
          for (const role of ['producers', 'relays', 'consumers', 'webhooks'] as const) {
            flow[role].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
          }
          return flow;
        });
      return { types: list, events, from, to };
    },
  };
}

/**
 * The flow map of `events` at once.
 *
 * @example
 * const map = buildFlows(memory.events);
 * map.types[0] // { type: 'order.placed', producers: [{ name: 'POST /orders', count: 3, ... }], ... }
 */
export function buildFlows(events: Iterable<EventRecord>): FlowMap {
  const collector = collectFlows();
  for (const event of events) collector.add(event);
  return collector.result();
}

/**
 * @module canon/events
 * Domain events: definitions with schemas and versions, envelopes correlated with the
 * wide event in scope, an in-process bus, CloudEvents 1.0 mapping and a generated catalog.
 *
 * @example
 * import { z } from 'zod';
 * import { defineEvent, createEvent, EventBus } from 'canon/events';
 * const OrderPlaced = defineEvent('order.placed', { version: 1, schema: z.object({ order_id: z.string() }) });
 * const bus = new EventBus();
 * bus.on(OrderPlaced, async (event) => console.log(event.data.order_id));
 * await bus.publish(createEvent(OrderPlaced, { order_id: 'o_1' }));
 */
export { CanonError } from '../core/errors.js';
export { EventBus, type EventHandler, type HandlerResult } from './bus.js';
export { type EventCatalogOptions, eventCatalog } from './catalog.js';
export type { EventFlow, FlowEdge, FlowMap } from '../read/flows/collect.js';
export {
  type CloudEventMessage,
  type CloudEventObject,
  type ToCloudEventOptions,
  toCloudEvent,
} from './cloudevents.js';
export { fromCloudEvent } from './cloudevents-parse.js';
export { type CreateEventOptions, createEvent, createEventAsync } from './create.js';
export {
  type DefineEventOptions,
  defineEvent,
  EVENT_TYPE_PATTERN,
  type EventDefinition,
  type Upcaster,
} from './define.js';
export { type EventEnvelope, type EventMetadata, isEventEnvelope } from './envelope.js';
export type { EventIssue } from './schema.js';

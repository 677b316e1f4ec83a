/**
 * @module canon/react
 * `useCanonEvents(url, options)`: the events of a `canon/sse` stream as React state, over
 * `createEventStream` from `canon/browser` (resume after drops, each id once, `reset`).
 * React is an optional peer dependency (18 or 19).
 *
 * @example
 * import { useCanonEvents } from 'canon/react';
 * function Orders() {
 *   const { events, status } = useCanonEvents<{ id: string }>('/events', { types: ['order.placed'], max: 50 });
 *   return createElement('ul', { 'data-status': status }, events.map((e) => createElement('li', { key: e.id }, e.data.id)));
 * }
 */
export type { StreamEvent, StreamReset, StreamStatus } from '../browser/index.js';
export { type CanonEvents, type CanonEventsOptions, useCanonEvents } from './use-canon-events.js';

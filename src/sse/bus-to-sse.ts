/**
 * @module canon/sse/bus-to-sse
 * Streams domain events from an in-process bus (`canon/events`' `EventBus`, or anything
 * with `on(pattern, handler)`) to SSE clients: the event type becomes the SSE `event:`
 * name, the envelope (or what `data` picks) the data.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import type { SseHub } from './hub-types.js';

/**
 * What busToSse needs from a bus: `on` returning an unsubscribe function, or `off`. The
 * handler is typed loosely so a bus typed for all envelopes accepts it; the event type
 * `E` comes from the options.
 */
export interface BusLike {
  on(pattern: string, handler: (event: any) => unknown): unknown;
  off?(pattern: string, handler: (event: any) => unknown): unknown;
}

export interface BusToSseOptions<E> {
  /** The channel an event goes to; undefined or '' sends it to `user` only (or skips it). */
  channel: (event: E) => string | undefined;
  /** The user an event is for: with a channel, only that user's clients on it receive it. */
  user?: (event: E) => string | undefined;
  /** What clients receive as data. Default: the whole envelope. */
  data?: (event: E) => unknown;
  /** The bus pattern to subscribe with. Default `'*'`. */
  pattern?: string;
}

function checkFunction(value: unknown, option: string, required: boolean): void {
  if ((required || value !== undefined) && typeof value !== 'function') {
    throw invalidOption(option, `expected a function, got ${describe(value)}`);
  }
}

/**
 * Subscribes `hub` to `bus`; returns a function that unsubscribes. With a backplane the
 * handler resolves once the event is on the backplane, so `bus.publish` waits for it
 * and reports a failure like any failing handler.
 *
 * @example
 * import { EventBus, type EventEnvelope } from 'canon/events';
 * import { busToSse, createSseHub } from 'canon/sse';
 * const stop = busToSse<EventEnvelope<{ customer_id: string }>>(bus, hub, {
 *   channel: (event) => `orders`,
 *   user: (event) => event.data.customer_id,
 * });
 */
export function busToSse<E extends { type: string } = EventEnvelope>(
  bus: BusLike,
  hub: Pick<SseHub<string | Promise<string>>, 'publish' | 'publishToUser'>,
  options: BusToSseOptions<E>,
): () => void {
  if (bus === null || typeof bus !== 'object' || typeof bus.on !== 'function') {
    throw invalidOption('bus', `expected an event bus with on(pattern, handler), got ${describe(bus)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', `expected { channel, user?, data? }, got ${describe(options)}`);
  }
  checkFunction(options.channel, 'channel', true);
  checkFunction(options.user, 'user', false);
  checkFunction(options.data, 'data', false);
  const pattern = options.pattern ?? '*';
  const { channel: channelOf, user: userOf, data: dataOf } = options;

  function streamToSse(event: E): unknown {
    const channel = channelOf(event) || undefined;
    const userId = userOf?.(event) || undefined;
    const message = { event: event.type, data: dataOf ? dataOf(event) : event };
    if (channel !== undefined) return hub.publish(channel, { ...message, userId });
    if (userId !== undefined) return hub.publishToUser(userId, message);
    return undefined;
  }

  const subscription = bus.on(pattern, streamToSse);
  return function stopStreamingToSse(): void {
    if (typeof subscription === 'function') subscription();
    else bus.off?.(pattern, streamToSse);
  };
}

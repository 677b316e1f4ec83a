/**
 * @module canon/react/use-canon-events
 * The hook: one stream per mounted component and `url`/`types`/`withCredentials`/
 * `pauseWhenHidden`; anything else (callbacks, `max`) may change on every render without
 * reconnecting. The stream opens on the task after the effect, so React's development
 * StrictMode (mount, unmount, mount again) opens one stream, not two; it closes on unmount.
 */
import { useEffect, useRef, useState } from 'react';
import {
  createEventStream,
  type EventStream,
  type StreamEvent,
  type StreamReset,
  type StreamStatus,
} from '../browser/index.js';
import { check } from '../browser/options.js';

export interface CanonEventsOptions<T = unknown> {
  /** Event names to receive (default `['message']`); changing them reconnects. */
  types?: readonly string[];
  /** How many of the latest events `events` keeps (default 100). */
  max?: number;
  withCredentials?: boolean;
  /** Close the stream while the page is hidden; it resumes where it stopped when shown. */
  pauseWhenHidden?: boolean;
  /** Resume after this id when the stream first opens. */
  lastEventId?: string;
  retry?: { minMs?: number; maxMs?: number };
  /** Called for each event as it arrives (besides adding it to `events`). */
  onEvent?(event: StreamEvent<T>): void;
  /** Called on `event: reset`: the server could not replay what was missed; refetch your data. */
  onReset?(reset: StreamEvent<StreamReset>): void;
}

export interface CanonEvents<T = unknown> {
  /** The latest events, oldest first, at most `max`. */
  events: StreamEvent<T>[];
  /** The stream's status; `'idle'` while `url` is null. */
  status: StreamStatus | 'idle';
  lastEventId: string | undefined;
}

interface State<T> extends CanonEvents<T> {
  key: string;
}

function fresh<T>(key: string, url: string | null | undefined, lastEventId: string | undefined): State<T> {
  return { key, events: [], status: url ? 'connecting' : 'idle', lastEventId };
}

/**
 * Subscribes the component to server-sent events at `url` (pass `null` to stay idle).
 * Bad options throw a `TypeError` naming the option.
 *
 * @example
 * const { events, status, lastEventId } = useCanonEvents<Order>('/events', {
 *   types: ['order.placed', 'order.shipped'],
 *   max: 20,
 *   onReset: () => queryClient.invalidateQueries({ queryKey: ['orders'] }),
 * });
 */
export function useCanonEvents<T = unknown>(
  url: string | null | undefined,
  options: CanonEventsOptions<T> = {},
): CanonEvents<T> {
  const max = options.max ?? 100;
  check(Number.isInteger(max) && max > 0, 'max', 'a positive integer', options.max);
  check(url == null || typeof url === 'string', 'url', 'a string or null', url);
  const key = JSON.stringify([url ?? null, options.types ?? null, !!options.withCredentials, !!options.pauseWhenHidden]);
  const latest = useRef(options);
  latest.current = options;
  const [state, setState] = useState<State<T>>(() => fresh(key, url, options.lastEventId));

  useEffect(() => {
    setState((current) => (current.key === key ? current : fresh(key, url, undefined)));
    if (!url) return undefined;
    let stream: EventStream | undefined;
    const timer = setTimeout(() => {
      const { types, withCredentials, pauseWhenHidden, lastEventId, retry } = latest.current;
      stream = createEventStream<T>(url, {
        types,
        withCredentials,
        pauseWhenHidden,
        lastEventId,
        retry,
        onEvent(event) {
          const keep = latest.current.max ?? 100;
          setState((current) => ({
            ...current,
            events: [...current.events, event].slice(-keep),
            lastEventId: event.id || current.lastEventId,
          }));
          latest.current.onEvent?.(event);
        },
        onReset(reset) {
          setState((current) => ({ ...current, lastEventId: reset.id || current.lastEventId }));
          latest.current.onReset?.(reset);
        },
        onStatus(status) {
          setState((current) => (current.status === status ? current : { ...current, status }));
        },
      });
    });
    return () => {
      clearTimeout(timer);
      stream?.close();
    };
  }, [key]); // url and the options that reconnect are in key

  return { events: state.events, status: state.status, lastEventId: state.lastEventId };
}

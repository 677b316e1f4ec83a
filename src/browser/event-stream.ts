/**
 * @module canon/browser/event-stream
 * `createEventStream`: an EventSource that does not lose its place. After any drop — a
 * network error, a server that ends the stream, or an answer EventSource gives up on
 * (a `502` during a deploy, a wrong content type) — it reconnects itself with exponential
 * backoff and jitter, carrying the last event id in the URL (`?lastEventId=`, which
 * `canon/sse` replays from), and hands each event id to `onEvent` at most once.
 */
import { backoff } from './backoff.js';
import { check, inRange, safely } from './options.js';

/** One received event; `data` is the parsed JSON, or the text when it is not JSON. */
export interface StreamEvent<T = unknown> {
  /** The event's `id:`; empty when the server sent none. */
  id: string;
  /** The event's name (`event:`), `'message'` when unnamed. */
  event: string;
  data: T;
}

/** `connecting` → `open`; after a drop `reconnecting`; `paused` while hidden; `closed` after `close()`. */
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'paused' | 'closed';

/** What `canon/sse` says in an `event: reset`: why it could not replay. */
export interface StreamReset {
  reason?: 'too_old' | 'unknown' | 'too_large' | 'gap' | string;
  last_event_id?: string;
}

export interface EventStreamOptions<T = unknown> {
  /** Called once per event id, in order. */
  onEvent(event: StreamEvent<T>): void;
  /**
   * Called on `event: reset`: the server could not replay what was missed, so reload the
   * state the events update (refetch); the stream carries on from the server's newest id.
   */
  onReset?(reset: StreamEvent<StreamReset>): void;
  onStatus?(status: StreamStatus): void;
  /** Event names to receive (EventSource only delivers names it listens to). Default `['message']`. */
  types?: readonly string[];
  /** Send cookies to another origin (EventSource's `withCredentials`). */
  withCredentials?: boolean;
  /** Close the connection while the page is hidden and resume when it is shown again. */
  pauseWhenHidden?: boolean;
  /** Resume after this id (one kept from an earlier page, say). */
  lastEventId?: string;
  /** Reconnect delays: doubling from `minMs` (default 1000) up to `maxMs` (default 30000), with jitter. */
  retry?: { minMs?: number; maxMs?: number };
}

export interface EventStream {
  /** The id of the last event received (the one a reconnect resumes after). */
  readonly lastEventId: string | undefined;
  readonly status: StreamStatus;
  /** Closes the stream for good. */
  close(): void;
}

/** How many recent ids are remembered to drop repeats. */
const REMEMBERED_IDS = 1000;
/** A connection that stayed open this long resets the backoff. */
const STABLE_MS = 10_000;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function checkOptions(url: unknown, options: EventStreamOptions<unknown>): void {
  check(typeof url === 'string' && url !== '', 'url', 'a non-empty string', url);
  check(typeof options === 'object' && options !== null, 'options', 'an object', options);
  check(typeof options.onEvent === 'function', 'onEvent', 'a function', options.onEvent);
  for (const name of ['onReset', 'onStatus'] as const) {
    check(options[name] === undefined || typeof options[name] === 'function', name, 'a function', options[name]);
  }
  const { types, retry, lastEventId } = options;
  check(
    types === undefined || (Array.isArray(types) && types.every((type) => typeof type === 'string' && type !== '')),
    'types',
    'an array of event names',
    types,
  );
  check(lastEventId === undefined || typeof lastEventId === 'string', 'lastEventId', 'a string', lastEventId);
  check(inRange(retry?.minMs, 1, 3_600_000), 'retry.minMs', 'a number of ms from 1', retry?.minMs);
  check(inRange(retry?.maxMs, 1, 3_600_000), 'retry.maxMs', 'a number of ms from 1', retry?.maxMs);
}

/**
 * Opens a stream of server-sent events that resumes where it left off after any drop.
 * Bad options throw a `TypeError` naming the option (`err.option`).
 *
 * @example
 * import { createEventStream } from 'canon/browser';
 * const stream = createEventStream('/events', {
 *   types: ['order.placed'],
 *   onEvent: ({ data }) => render(data),
 *   onReset: () => refetchOrders(),
 * });
 * // later: stream.close();
 */
export function createEventStream<T = unknown>(url: string, options: EventStreamOptions<T>): EventStream {
  checkOptions(url, options as EventStreamOptions<unknown>);
  const types = [...new Set(options.types ?? ['message'])].filter((type) => type !== 'reset');
  const minMs = options.retry?.minMs ?? 1000;
  const maxMs = Math.max(minMs, options.retry?.maxMs ?? 30_000);
  const seen = new Set<string>();
  let lastEventId = options.lastEventId || undefined;
  let status: StreamStatus | undefined;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let openedAt = 0;
  /** The last id seen on the current connection: an event without `id:` repeats it. */
  let connectionId = '';

  function setStatus(next: StreamStatus): void {
    if (status === next) return;
    status = next;
    safely(options.onStatus, next);
  }

  /**
   * The event's own id, `''` for an event sent without one (EventSource repeats the last
   * id on those), or undefined for an id already delivered. Remembers the ids it returns
   * (a bounded set, oldest forgotten first).
   */
  function ownId(id: string): string | undefined {
    if (id === '' || id === connectionId) return '';
    connectionId = id;
    if (seen.has(id)) return undefined;
    lastEventId = id;
    seen.add(id);
    if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value!);
    return id;
  }

  function receive(message: Event): void {
    const { lastEventId: received, type, data } = message as MessageEvent<string>;
    attempt = 0;
    const id = ownId(received);
    if (id !== undefined) safely(options.onEvent, { id, event: type, data: parse(data) as T });
  }

  function reset(message: Event): void {
    const { lastEventId: received, data } = message as MessageEvent<string>;
    attempt = 0;
    const id = ownId(received) ?? received;
    safely(options.onReset, { id, event: 'reset', data: parse(data) as StreamReset });
  }

  function open(): void {
    timer = undefined;
    connectionId = '';
    const target = new URL(url, location.href);
    if (lastEventId) target.searchParams.set('lastEventId', lastEventId);
    const next = new EventSource(target.href, { withCredentials: options.withCredentials === true });
    source = next;
    next.onopen = () => {
      openedAt = Date.now();
      setStatus('open');
    };
    next.onerror = () => {
      if (source === next) drop();
    };
    for (const type of types) next.addEventListener(type, receive);
    next.addEventListener('reset', reset);
    setStatus(status === undefined || status === 'paused' ? 'connecting' : 'reconnecting');
  }

  function stop(): void {
    source?.close();
    source = undefined;
    clearTimeout(timer);
    timer = undefined;
  }

  /** The connection is gone (whatever EventSource would do next): reconnect ourselves. */
  function drop(): void {
    if (openedAt > 0 && Date.now() - openedAt >= STABLE_MS) attempt = 0;
    openedAt = 0;
    stop();
    setStatus('reconnecting');
    timer = setTimeout(open, backoff(attempt++, minMs, maxMs));
  }

  function onVisibility(): void {
    if (document.visibilityState === 'hidden') {
      stop();
      setStatus('paused');
    } else if (status === 'paused') {
      attempt = 0;
      open();
    }
  }

  if (options.pauseWhenHidden) document.addEventListener('visibilitychange', onVisibility);
  if (options.pauseWhenHidden && document.visibilityState === 'hidden') setStatus('paused');
  else open();

  return {
    get lastEventId() {
      return lastEventId;
    },
    get status() {
      return status!;
    },
    close() {
      if (status === 'closed') return;
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
      setStatus('closed');
    },
  };
}

/**
 * @module canon/tracking/fetch/tracked-fetch
 * `trackedFetch`: the global `fetch`, plus tracking and trace propagation inside a unit
 * of work. Outside one it is exactly `fetch`.
 */
import { performance } from 'node:perf_hooks';
import { storage } from '../../core/context.js';
import { isFetchTrackingInstalled } from './install.js';
import { type FetchTrackingOptions, type ResolvedFetchOptions, resolveFetchOptions } from './options.js';
import { callPropagation } from './propagation.js';
import { recordCall } from './record.js';

type Fetch = typeof globalThis.fetch;

function track(
  options: ResolvedFetchOptions,
  input: Parameters<Fetch>[0],
  init: Parameters<Fetch>[1],
): ReturnType<Fetch> {
  const unit = storage.getStore();
  const ownDispatcher = (init as { dispatcher?: unknown } | undefined)?.dispatcher !== undefined;
  if (unit === undefined || (isFetchTrackingInstalled() && !ownDispatcher)) return fetch(input, init);
  const request = input instanceof Request ? input : undefined;
  let url: URL;
  try {
    url = new URL(request ? request.url : String(input));
  } catch {
    return fetch(input, init); // fetch rejects it with its own error
  }
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  let spanId: string | undefined;
  if (options.propagate(url.origin)) {
    const headers = new Headers(init?.headers ?? request?.headers);
    const call = callPropagation(unit, options.maxCalls, [...headers.keys()]);
    for (const [name, value] of call.pairs) headers.set(name, value);
    spanId = call.spanId;
    init = { ...init, headers };
  }
  const started = performance.now();
  return fetch(input, init).then(
    (response) => {
      recordCall(unit, started, url.host, method, options, spanId, response.status);
      return response;
    },
    (err: unknown) => {
      recordCall(unit, started, url.host, method, options, spanId, undefined, err);
      throw err;
    },
  );
}

/**
 * A `fetch` with its own options (see {@link trackedFetch}).
 *
 * @example
 * import { createTrackedFetch } from 'canon/fetch';
 * const fetchInternal = createTrackedFetch({ maxCalls: 50, propagate: (origin) => origin.endsWith('.internal') });
 */
export function createTrackedFetch(options?: FetchTrackingOptions): Fetch {
  const resolved = resolveFetchOptions(options, 'createTrackedFetch');
  return function trackedFetch(input, init) {
    return track(resolved, input, init);
  };
}

/**
 * The global `fetch` with tracking: inside a unit of work the call is recorded in the
 * event's `external` field (with the span id the callee's `parent_span_id` names) and the
 * callee receives `traceparent` (a client span of its own), `tracestate` when the trace
 * has one, and `x-request-id`.
 * When `installFetchTracking()` is active it is plain `fetch` (the interceptor tracks).
 *
 * @example
 * import { trackedFetch } from 'canon/fetch';
 * const res = await trackedFetch('https://api.example.com/rates?currency=EUR');
 * // event.external: { call_count: 1, calls: [{ host: 'api.example.com', method: 'GET', status_code: 200, duration_ms: 41.2, span_id: '…' }] }
 */
export const trackedFetch: Fetch = createTrackedFetch();

/**
 * @module canon/browser/propagation
 * Trace joining: the page's `fetch` calls to the same-origin paths of `propagateTo` get a
 * `traceparent` (the page's trace id, a new span id per call) and an `x-request-id`, so
 * the backend's wide event for the call has the page's `trace_id` and the call's span as
 * its `parent_span_id`. Each such call is also recorded: method, path, status, duration and
 * the request id the server echoed. Calls to other origins, other paths, or that carry a
 * `traceparent` already, go out untouched.
 */
import { randomHex, uuid } from './ids.js';
import type { FetchRecord } from './records.js';

/** @internal What a traced call reports. */
export type FetchReport = Pick<FetchRecord, 'type' | 'span_id' | 'fetch'>;

/** `/api` matches `/api` and `/api/orders`, not `/apiary`. */
function matches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * @internal Wraps `globalThis.fetch`; returns the function that unwraps it (unless
 * something wrapped it again since).
 *
 * @example
 * const restore = propagate(['/api'], traceId, '01', endpoint, report);
 */
export function propagate(
  prefixes: readonly string[],
  traceId: string,
  flags: string,
  endpoint: string,
  report: (record: FetchReport) => void,
): () => void {
  const original = globalThis.fetch;
  function trace(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> | undefined {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input), location.href);
    if (url.origin !== location.origin || url.href === endpoint) return undefined;
    if (!prefixes.some((prefix) => matches(url.pathname, prefix))) return undefined;
    const headers = new Headers(init?.headers ?? request?.headers);
    if (headers.has('traceparent')) return undefined; // the page traces this call itself
    const spanId = randomHex(8);
    const requestId = headers.get('x-request-id') || uuid();
    headers.set('traceparent', `00-${traceId}-${spanId}-${flags}`);
    headers.set('x-request-id', requestId);
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const started = performance.now();
    const done = (status: number, echoed: string | null, error?: string): void =>
      report({
        type: 'fetch',
        span_id: spanId,
        fetch: {
          method,
          path: url.pathname,
          status_code: status,
          duration_ms: round(performance.now() - started),
          request_id: echoed || requestId,
          ...(error === undefined ? {} : { error }),
        },
      });
    return original.call(globalThis, input, { ...init, headers }).then(
      (response) => {
        done(response.status, response.headers.get('x-request-id'));
        return response;
      },
      (error: unknown) => {
        done(0, null, String((error as Error)?.name ?? error).slice(0, 200));
        throw error;
      },
    );
  }

  const traced = function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let call: Promise<Response> | undefined;
    try {
      call = trace(input, init);
    } catch {
      // whatever the page passed, the call goes out as the page made it
    }
    return call ?? original.call(globalThis, input, init);
  };
  globalThis.fetch = traced;
  return () => {
    if (globalThis.fetch === traced) globalThis.fetch = original;
  };
}

/**
 * @module canon/http/fetch-lifecycle
 * The request lifecycle where there are no node:http objects to watch (Hono's
 * `app.request()` in tests, Bun, Deno, edge runtimes): the unit starts from the fetch
 * `Request` and ends once the handler has produced its `Response`. Without a socket,
 * client aborts are not seen, and `response_size_bytes` comes from `content-length` when
 * the response has one.
 */
import type { Canon } from '../core/canon.js';
import { flatSlice } from '../core/flat-string.js';
import type { WideEvent } from '../core/event.js';
import { hasNoBody, startRequestUnit } from './lifecycle.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * Starts the unit of a fetch-style request; `path` is the URL's path. `routed`: whether
 * a `route` will be named (a router, or the handler's `route` option).
 *
 * @example
 * const unit = startFetchUnit(canon, c.req.raw, c.req.path);
 */
export function startFetchUnit(canon: Canon, request: Request, path: string, routed = true): WideEvent {
  const headers = request.headers;
  const traceparent = headers.get('traceparent');
  return startRequestUnit(
    canon,
    request.method,
    path,
    headers.get('user-agent'),
    headers.get(REQUEST_ID_HEADER),
    traceparent,
    traceparent === null ? null : headers.get('tracestate'), // a Headers lookup only when it can matter
    headers,
    routed,
  );
}

/**
 * The path of an absolute URL (`https://host/a/b?x=1` → `/a/b`) without parsing it
 * whole; `/` when it has none.
 *
 * @example
 * urlPath(request.url) // '/users/7'
 */
export function urlPath(url: string): string {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return '/';
  let end = url.length;
  const query = url.indexOf('?', start);
  if (query !== -1) end = query;
  const hash = url.indexOf('#', start);
  if (hash !== -1 && hash < end) end = hash;
  return flatSlice(url, start, end);
}

/**
 * Records the response on the unit and emits its event; `bytes` is the body size when
 * known (ignored for responses that carry no body).
 *
 * @example
 * finishFetchUnit(unit, 'GET', 200, 1234, '/users/:id');
 */
export function finishFetchUnit(
  unit: WideEvent,
  method: string,
  status: number,
  bytes: number | undefined,
  route: string | undefined,
): void {
  const fields = unit.fields;
  fields.status_code = status;
  if (hasNoBody(method, status)) fields.response_size_bytes = 0;
  else if (bytes !== undefined) fields.response_size_bytes = bytes;
  if (fields.route === undefined) fields.route = route;
  unit.end();
}

/**
 * Records the response on the unit and emits its event. `contentLength` is the
 * response's `content-length` header, if any.
 *
 * @example
 * await next();
 * endFetchUnit(unit, 'GET', c.res.status, c.res.headers.get('content-length'), '/users/:id');
 */
export function endFetchUnit(
  unit: WideEvent,
  method: string,
  status: number,
  contentLength: string | null,
  route: string | undefined,
): void {
  const length = contentLength === null ? Number.NaN : Number(contentLength);
  finishFetchUnit(unit, method, status, Number.isInteger(length) && length >= 0 ? length : undefined, route);
}

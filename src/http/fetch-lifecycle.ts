/**
 * @module canon/http/fetch-lifecycle
 * The request lifecycle where there are no node:http objects to watch (Hono's
 * `app.request()` in tests, Bun, Deno, edge runtimes): the unit starts from the fetch
 * `Request` and ends once the handler has produced its `Response`. Without a socket,
 * client aborts are not seen, and `response_size_bytes` comes from `content-length` when
 * the response has one.
 */
import type { Canon } from '../core/canon.js';
import type { WideEvent } from '../core/event.js';
import { hasNoBody, startRequestUnit } from './lifecycle.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * Starts the unit of a fetch-style request; `path` is the URL's path.
 *
 * @example
 * const unit = startFetchUnit(canon, c.req.raw, c.req.path);
 */
export function startFetchUnit(canon: Canon, request: Request, path: string): WideEvent {
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
  );
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
  const fields = unit.fields;
  fields.status_code = status;
  const length = contentLength === null ? Number.NaN : Number(contentLength);
  if (hasNoBody(method, status)) fields.response_size_bytes = 0;
  else if (Number.isInteger(length) && length >= 0) fields.response_size_bytes = length;
  if (fields.route === undefined) fields.route = route;
  unit.end();
}

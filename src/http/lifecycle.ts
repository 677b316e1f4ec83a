/**
 * @module canon/http/lifecycle
 * The request lifecycle every HTTP adapter shares: start a unit from the request
 * (request id, trace context, method, path, user agent), echo `x-request-id`, count the
 * body bytes, and emit exactly one event when the response closes, finished or aborted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Canon } from '../core/canon.js';
import type { WideEvent } from '../core/event.js';
import type { Fields } from '../core/paths.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id.js';
import { type BodyCounter, responseState, trackResponse } from './response-size.js';
import { parseTraceparent } from './traceparent.js';

/** Returns the matched route pattern (`/users/:id`) once the request is done. */
export type RouteOf = (req: IncomingMessage) => string | undefined;

/** Status recorded when the client goes away before the response ends (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

interface HttpState extends BodyCounter {
  unit: WideEvent;
  req: IncomingMessage;
  routeOf?: RouteOf;
}

function hasNoBody(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304;
}

function onResponseClose(this: ServerResponse): void {
  const state = responseState<HttpState>(this);
  if (state === undefined) return;
  const { unit, req, routeOf } = state;
  if (unit.emitted) return;
  const fields = unit.fields;
  if (this.writableFinished) {
    fields.status_code = this.statusCode;
  } else if (unit.errorMarked) {
    fields.status_code = Math.max(this.statusCode, 500); // the server gave up mid-response
  } else {
    unit.aborted = true;
    fields.status_code = CLIENT_CLOSED_REQUEST;
  }
  fields.response_size_bytes = hasNoBody(req.method, this.statusCode) ? 0 : state.bytes;
  if (fields.route === undefined && routeOf) {
    try {
      fields.route = routeOf(req);
    } catch {
      // the route is a nice-to-have; the event must still go out
    }
  }
  unit.end();
}

/**
 * Starts the unit of work for one request and arranges its single emit.
 *
 * @example
 * const event = startHttpUnit(canon, req, res, (req) => req.route?.path);
 * storage.run(event, next);
 */
export function startHttpUnit(
  canon: Canon,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf?: RouteOf,
): WideEvent {
  const headers = req.headers;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const fields: Fields = {
    method: req.method,
    path: query === -1 ? url : url.slice(0, query),
    route: undefined,
    status_code: undefined,
    response_size_bytes: undefined,
  };
  if (headers['user-agent'] !== undefined) fields.user_agent = headers['user-agent'];
  const trace = parseTraceparent(headers.traceparent);
  const unit = canon.startUnit({
    kind: 'http',
    requestId: resolveRequestId(headers[REQUEST_ID_HEADER]),
    traceId: trace?.traceId,
    parentSpanId: trace?.parentSpanId,
    fields,
  });
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, unit.request_id);
  trackResponse<HttpState>(res, { unit, req, routeOf, bytes: 0 });
  res.on('close', onResponseClose);
  return unit;
}

/**
 * Answers a failed request: 500 JSON when nothing was sent yet, else cuts the response
 * (a half-sent body must not look complete). The error is marked on the event.
 *
 * @example
 * catch (err) { failRequest(event, res, err); }
 */
export function failRequest(unit: WideEvent, res: ServerResponse, err: unknown): void {
  unit.markError(err);
  if (!res.headersSent) {
    res.statusCode = 500;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end('{"error":"Internal Server Error"}');
  } else if (!res.writableEnded) {
    res.destroy();
  }
}

/**
 * @module canon/http/lifecycle
 * The request lifecycle every HTTP adapter shares: start a unit from the request
 * (request id, trace context, method, path, user agent), echo `x-request-id` (see
 * ./request-id-echo.ts), count the body bytes, and emit exactly one event when the
 * response closes, finished or aborted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Canon } from '../core/canon.js';
import type { RequestHeaders, WideEvent } from '../core/event.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id.js';
import { echoRequestId, type PendingEcho } from './request-id-echo.js';
import { pathOf } from './request-target.js';
import { type BodyCounter, responseState, trackResponse } from './response-size.js';
import { parseTracestate } from '../core/tracestate.js';
import { parseTraceparent } from './traceparent.js';

/**
 * Returns the matched route pattern (`/users/:id`) once the request is done. It is given
 * the `source` passed to {@link startHttpUnit}: the request itself, or the framework's
 * context object (Koa's `ctx`, Hono's `c`).
 */
export type RouteOf<S = IncomingMessage> = (source: S) => string | undefined;

/** Status recorded when the client goes away before the response ends (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

interface HttpState extends BodyCounter, PendingEcho {
  unit: WideEvent;
  req: IncomingMessage;
  routeOf: RouteOf<unknown> | undefined;
  source: unknown;
}

/** True for responses that carry no body whatever was written (HEAD, 204, 304). */
export function hasNoBody(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304;
}

/**
 * The response went out whole: flushed, or ended on a connection that is still up (the
 * responses of `fastify.inject()` / light-my-request end on a stand-in socket that never
 * flushes). Ended but not flushed on a dead connection means the client left first.
 */
function completed(res: ServerResponse): boolean {
  return res.writableFinished || (res.writableEnded && res.socket?.destroyed === false);
}

/** Socket errors that mean the peer went away (a reset, seen on read or on write). */
const PEER_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * The client closed its side (FIN or reset) before the response completed; when the
 * server destroys the response itself, the socket has seen neither.
 */
function clientLeft(req: IncomingMessage): boolean {
  const socket = req.socket as IncomingMessage['socket'] | null;
  if (!socket) return false;
  const code = (socket.errored as NodeJS.ErrnoException | null)?.code;
  return socket.readableEnded || (code !== undefined && PEER_GONE.has(code));
}

function onResponseClose(this: ServerResponse): void {
  const state = responseState<HttpState>(this);
  if (state === undefined) return;
  const { unit, req, routeOf } = state;
  if (unit.emitted) return;
  const fields = unit.fields;
  if (completed(this)) {
    fields.status_code = this.statusCode;
  } else if (unit.errorMarked && !clientLeft(req)) {
    fields.status_code = Math.max(this.statusCode, 500); // the server gave up mid-response
  } else {
    unit.aborted = true;
    fields.status_code = CLIENT_CLOSED_REQUEST;
  }
  fields.response_size_bytes = hasNoBody(req.method, this.statusCode) ? 0 : state.bytes;
  if (fields.route === undefined && routeOf) {
    try {
      fields.route = routeOf(state.source);
    } catch {
      // the route is a nice-to-have; the event must still go out
    }
  }
  unit.end();
}

/**
 * Starts the unit of work of one request from its parts (shared by the node:http
 * lifecycle below and the fetch-style one): method, path (without the query string, nor
 * the scheme, host and userinfo of an absolute-form target), user agent, request id and
 * W3C trace context. `tracestate` is read only when `traceparent` is valid (the spec's
 * rule), so a request without it costs nothing; `headers` are kept on the unit for
 * plugins (`canon/enrichers`). `routed` is false where no router names a `route` (node:http).
 *
 * @example
 * const unit = startRequestUnit(canon, 'GET', '/users/1?x=2', 'curl/8', requestIdHeader, traceparentHeader, tracestateHeader, req.headers);
 */
export function startRequestUnit(
  canon: Canon,
  method: string | undefined,
  url: string,
  userAgent: string | undefined | null,
  requestIdHeader: string | string[] | undefined | null,
  traceparentHeader: string | string[] | undefined | null,
  tracestateHeader: string | string[] | undefined | null,
  headers?: RequestHeaders,
  routed = true,
): WideEvent {
  const trace = parseTraceparent(traceparentHeader);
  return canon.startUnit({
    kind: 'http',
    requestId: resolveRequestId(requestIdHeader),
    traceId: trace?.traceId,
    parentSpanId: trace?.parentSpanId,
    traceFlags: trace?.flags,
    traceState: trace && tracestateHeader ? parseTracestate(tracestateHeader) : undefined,
    request: { method, path: pathOf(url), userAgent: typeof userAgent === 'string' ? userAgent : undefined, routed },
    headers,
  });
}

/**
 * Starts the unit of work for one request and arranges its single emit. `routeOf`, when
 * given, is called with `source` (default: `req`) as the response closes; without it the
 * event has no `route` unless the app sets one.
 *
 * @example
 * const event = startHttpUnit(canon, req, res, (req) => req.route?.path);
 * storage.run(event, next);
 */
export function startHttpUnit<S = IncomingMessage>(
  canon: Canon,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf?: RouteOf<S>,
  source?: S,
): WideEvent {
  const headers = req.headers;
  const unit = startRequestUnit(
    canon,
    req.method,
    req.url ?? '/',
    headers['user-agent'],
    headers[REQUEST_ID_HEADER],
    headers.traceparent,
    headers.tracestate,
    headers,
    routeOf !== undefined,
  );
  const state: HttpState = {
    unit,
    req,
    routeOf: routeOf as RouteOf<unknown> | undefined,
    source: source ?? req,
    bytes: 0,
    echoId: undefined,
  };
  trackResponse(res, state);
  echoRequestId(res, state, unit.request_id);
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

/**
 * @module canon/sse/endpoints
 * Turning a request into a stream: node request/response pairs (`hub.connect`) and web
 * `Request`s (`hub.response`). Both send the same headers and end the connection when
 * the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connection } from './connection.js';
import type { RequestInfo } from './connection-event.js';
import { nodeTransport, type Transport, webTransport } from './transport.js';

/** The response headers of every stream. `x-accel-buffering: no` stops nginx buffering it. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** @internal Opens a connection over a transport (the hub's part). */
export type OpenConnection = (
  transport: Transport,
  request: RequestInfo,
  lastEventId: string | undefined,
) => Connection;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * @internal
 * Starts a stream on a node response.
 *
 * @example
 * const connection = connectNode(req, res, open);
 */
export function connectNode(req: IncomingMessage, res: ServerResponse, open: OpenConnection): Connection {
  const request: RequestInfo = {
    method: req.method,
    url: (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/', // Express strips mount paths from url
    header: (name) => firstHeader(req.headers[name]),
  };
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  const connection = open(nodeTransport(res, req.method), request, request.header('last-event-id'));
  if (res.destroyed || res.socket?.destroyed) connection.end('client');
  else res.once('close', () => connection.end('client'));
  return connection;
}

/**
 * @internal
 * Starts a stream as a web `Response`; the client going away cancels the stream or
 * aborts the request's signal, whichever the server does.
 *
 * @example
 * return connectWeb(request, open);
 */
export function connectWeb(request: Request, open: OpenConnection): Response {
  const url = new URL(request.url);
  const info: RequestInfo = {
    method: request.method,
    url: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
  };
  let cancel = (): void => {};
  const { stream, transport } = webTransport(() => cancel());
  const connection = open(transport, info, info.header('last-event-id'));
  cancel = () => connection.end('client');
  const signal = request.signal;
  if (signal?.aborted) connection.end('client');
  else if (signal !== undefined && !connection.closed) {
    const onAbort = (): void => connection.end('client');
    signal.addEventListener('abort', onAbort, { once: true });
    connection.onEnd = () => signal.removeEventListener('abort', onAbort);
  }
  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}

/**
 * @module canon/http/request-id-echo
 * Echoes the request id as the `x-request-id` response header when the response's headers
 * go out rather than when the request starts. A header set at the start makes node's
 * `writeHead(status, headersObject)` (how Fastify, `@hono/node-server` and much
 * hand-written code answer) take its slow path, which validates and stores every header
 * of the object one by one through `setHeader`. Here that object gets the id on a copy
 * instead (an array of headers too, in its own form), and node keeps its fast path.
 * Answers without headers in `writeHead` (`res.end()` alone, Express, Koa) get the id
 * through `setHeader`, as before. When node refuses the headers (an invalid value), the
 * id stays pending for the error response that follows.
 *
 * A header the app set itself, with `setHeader` or in `writeHead`'s headers, wins.
 * `ServerResponse.prototype.writeHead` is wrapped once per process (as APM agents do,
 * and as ./response-size.ts does for `write` and `end`); a response Canon does not track
 * pays one property read. Responses of other classes (HTTP/2's compatibility API) get the
 * header at the start.
 */
import { ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER } from './request-id.js';
import { kResponseState } from './response-size.js';

const kWrapped = Symbol.for('canon.http.echo.wrapped');

/** The part of a response's state this module reads: the id still to be sent. */
export interface PendingEcho {
  echoId: string | undefined;
}

type Tracked = ServerResponse & { [kResponseState]?: Partial<PendingEcho> };
type WriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

/** True when a headers object names `x-request-id` in any letter case (own keys: what node sends). */
function objectNamesRequestId(headers: object): boolean {
  for (const key in headers) {
    if (key.length === 12 && key.toLowerCase() === REQUEST_ID_HEADER && Object.hasOwn(headers, key)) return true;
  }
  return false;
}

/** True when a raw header list (`[name, value, …]` or `[[name, value], …]`) names `x-request-id`. */
function listNamesRequestId(headers: unknown[], pairs: boolean): boolean {
  for (let i = 0; i < headers.length; i += pairs ? 1 : 2) {
    const name = pairs ? (headers[i] as unknown[] | undefined)?.[0] : headers[i];
    if (typeof name === 'string' && name.length === 12 && name.toLowerCase() === REQUEST_ID_HEADER) return true;
  }
  return false;
}

/**
 * The headers `writeHead` was given with the id added, in the form given (a copy: the app's
 * object or array is left as it is); undefined when they name the id themselves.
 */
function withRequestId(headers: object, id: string): object | undefined {
  if (!Array.isArray(headers)) return objectNamesRequestId(headers) ? undefined : { ...headers, [REQUEST_ID_HEADER]: id };
  const pairs = headers.length > 0 && Array.isArray(headers[0]);
  if (listNamesRequestId(headers, pairs)) return undefined;
  return pairs ? [...headers, [REQUEST_ID_HEADER, id]] : [...headers, REQUEST_ID_HEADER, id];
}

/**
 * Wraps `ServerResponse.prototype.writeHead` (once per process; later calls do nothing).
 * Called when an adapter is created, so that a wrapper taken per response by other code
 * (`on-headers`, used by `compression` and `morgan`) is taken around this one.
 *
 * @example
 * installRequestIdEcho();
 */
export function installRequestIdEcho(): void {
  const proto = ServerResponse.prototype as ServerResponse & { [kWrapped]?: boolean };
  if (proto[kWrapped]) return;
  proto[kWrapped] = true;
  const writeHead = proto.writeHead as unknown as WriteHead;
  proto.writeHead = function canonEchoingWriteHead(this: Tracked, statusCode: unknown, reason?: unknown, obj?: unknown) {
    const state = this[kResponseState];
    const id = state?.echoId;
    // eslint-disable-next-line prefer-rest-params -- forward exactly what the caller passed
    if (id === undefined || this.hasHeader(REQUEST_ID_HEADER)) return writeHead.apply(this, arguments as never);
    state!.echoId = undefined;
    try {
      // node reads the headers from the third argument, else from the second unless it is a status message
      const given = typeof reason === 'string' ? obj : (obj ?? reason);
      if (typeof given === 'object' && given !== null) {
        const headers = withRequestId(given, id);
        if (headers !== undefined) return writeHead.call(this, statusCode, reason, headers);
      } else {
        this.setHeader(REQUEST_ID_HEADER, id);
      }
      // eslint-disable-next-line prefer-rest-params -- forward exactly what the caller passed
      return writeHead.apply(this, arguments as never);
    } catch (err) {
      // node refused these headers: the error response that follows still carries the id
      if (!this.headersSent) state!.echoId = id;
      throw err;
    }
  } as unknown as ServerResponse['writeHead'];
}

/**
 * Arranges for `res` to send `requestId` as `x-request-id` (see the module comment);
 * `state` is the response's tracked state (./response-size.ts), which must hold `echoId`.
 *
 * @example
 * echoRequestId(res, state, unit.request_id);
 */
export function echoRequestId(res: ServerResponse, state: PendingEcho, requestId: string): void {
  if (res.headersSent) return;
  if (res instanceof ServerResponse) {
    installRequestIdEcho();
    state.echoId = requestId;
  } else {
    (res as ServerResponse).setHeader(REQUEST_ID_HEADER, requestId); // typed as node's, may be HTTP/2's
  }
}

/**
 * @module canon/lambda/http
 * HTTP invocations (API Gateway REST and HTTP APIs, function URLs, ALB) as `kind: 'http'`
 * events with the standard fields: `route` from API Gateway's resource or route key
 * (`/users/{id}`), `status_code` and `response_size_bytes` from the handler's result,
 * the request id echoed in the result's headers. A thrown error is what API Gateway
 * answers 500 (HTTP API) or 502 (REST, ALB, function URL) for; the event says so.
 * Trace context: `traceparent`, else the invocation's X-Ray context, else the request's
 * `X-Amzn-Trace-Id` header.
 */
import type { Canon } from '../../core/canon.js';
import type { WideEvent } from '../../core/event.js';
import { flatSlice } from '../../core/flat-string.js';
import type { Fields } from '../../core/paths.js';
import { finishFetchUnit } from '../../http/fetch-lifecycle.js';
import { startRequestUnit } from '../../http/lifecycle.js';
import { parseTraceparent } from '../../http/traceparent.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import { enterTenant, JSON_CONTENT_TYPE, REFUSAL_STATUS, type TenantRule } from '../../http/tenant.js';
import { type Invocation, markOnce } from './invocation.js';
import type { LambdaSource } from './sources.js';
import { invocationTraceparent, xrayTraceparent } from './xray.js';

type Shape = Record<string, any>;

/** Header lookup over `headers` and `multiValueHeaders`, whatever their case. */
function headerReader(event: Shape): (name: string) => string | undefined {
  const lower = new Map<string, string>();
  const multi = event.multiValueHeaders;
  if (multi && typeof multi === 'object') {
    for (const key in multi) if (Array.isArray(multi[key])) lower.set(key.toLowerCase(), multi[key].join(','));
  }
  const headers = event.headers;
  if (headers && typeof headers === 'object') {
    for (const key in headers) if (typeof headers[key] === 'string') lower.set(key.toLowerCase(), headers[key]);
  }
  return (name) => lower.get(name);
}

function routeOf(event: Shape, source: LambdaSource): string | undefined {
  if (source === 'api-gateway-rest') return typeof event.resource === 'string' ? event.resource : undefined;
  if (source !== 'api-gateway-http') return undefined;
  const key = event.routeKey;
  if (typeof key !== 'string' || key === '$default') return undefined;
  return flatSlice(key, key.indexOf(' ') + 1, key.length); // 'GET /users/{id}' → '/users/{id}'
}

function base64Length(body: string): number {
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((body.length * 3) / 4) - padding);
}

function bodyLength(result: Shape): number {
  const body = result.body;
  if (typeof body !== 'string') return 0;
  return result.isBase64Encoded === true ? base64Length(body) : Buffer.byteLength(body);
}

function hasHeader(headers: unknown, name: string): boolean {
  if (!headers || typeof headers !== 'object') return false;
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

/** The result with `x-request-id` added (a copy; the handler's object is left as it is). */
function withRequestId(result: Shape, requestId: string): Shape {
  if (hasHeader(result.headers, REQUEST_ID_HEADER) || hasHeader(result.multiValueHeaders, REQUEST_ID_HEADER)) {
    return result;
  }
  if (result.headers === undefined && result.multiValueHeaders && typeof result.multiValueHeaders === 'object') {
    return { ...result, multiValueHeaders: { ...result.multiValueHeaders, [REQUEST_ID_HEADER]: [requestId] } };
  }
  return { ...result, headers: { ...result.headers, [REQUEST_ID_HEADER]: requestId } };
}

function isStructured(result: unknown): result is Shape {
  return typeof result === 'object' && result !== null && typeof (result as Shape).statusCode === 'number';
}

class HttpInvocation implements Invocation {
  refused: unknown = undefined;

  constructor(
    readonly scope: WideEvent,
    readonly method: string,
    readonly source: LambdaSource,
    readonly route: string | undefined,
  ) {}

  finish(status: number, bytes: number | undefined, remainingMs: number | undefined): void {
    if (this.scope.emitted) return;
    if (remainingMs !== undefined) this.scope.set('faas.remaining_ms', remainingMs);
    finishFetchUnit(this.scope, this.method, status, bytes, this.route);
  }

  settle(result: unknown, remainingMs: number | undefined): unknown {
    if (isStructured(result)) {
      this.finish(result.statusCode, bodyLength(result), remainingMs);
      return withRequestId(result, this.scope.request_id);
    }
    if (this.source === 'api-gateway-http' || this.source === 'function-url') {
      // payload 2.0 infers a 200 JSON response from any other value
      const text = typeof result === 'string' ? result : JSON.stringify(result);
      this.finish(200, text === undefined ? 0 : Buffer.byteLength(text), remainingMs);
      return result;
    }
    markOnce(this.scope, {
      name: 'MalformedProxyResponse',
      message: 'the handler returned no { statusCode }: the client gets 502',
    });
    this.finish(502, 0, remainingMs);
    return result;
  }

  fail(err: unknown, remainingMs: number | undefined): void {
    markOnce(this.scope, err);
    this.finish(this.source === 'api-gateway-http' ? 500 : 502, 0, remainingMs);
  }
}

/**
 * @internal Starts the unit of an HTTP invocation; with a `tenant` rule that refuses the
 * request, the invocation carries the 400 result to return instead of running the handler.
 *
 * @example
 * const invocation = startHttpInvocation(canon, event, 'api-gateway-http', undefined, faas);
 */
export function startHttpInvocation(
  canon: Canon,
  event: Shape,
  source: LambdaSource,
  tenant: TenantRule | undefined,
  faas: Fields,
): HttpInvocation {
  const header = headerReader(event);
  const v2 = source === 'api-gateway-http' || source === 'function-url';
  const method = String(v2 ? event.requestContext.http.method : event.httpMethod);
  const path = String((v2 ? event.rawPath : event.path) ?? '/');
  const incoming = header('traceparent');
  const w3c = parseTraceparent(incoming) !== undefined;
  const unit = startRequestUnit(
    canon,
    method,
    path,
    header('user-agent'),
    header(REQUEST_ID_HEADER),
    w3c ? incoming : (invocationTraceparent() ?? xrayTraceparent(header('x-amzn-trace-id'))),
    w3c ? header('tracestate') : undefined, // a tracestate belongs to its traceparent
  );
  unit.fields.faas = faas;
  const invocation = new HttpInvocation(unit, method, source, routeOf(event, source));
  if (tenant !== undefined) {
    const refused = enterTenant(tenant, unit, header(tenant.header));
    if (refused !== undefined) {
      invocation.refused = invocation.settle(
        { statusCode: REFUSAL_STATUS, headers: { 'content-type': JSON_CONTENT_TYPE }, body: refused.body },
        undefined,
      );
    }
  }
  return invocation;
}

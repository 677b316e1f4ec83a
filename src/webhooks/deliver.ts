/**
 * @module canon/webhooks/deliver
 * One delivery attempt: sign the stored body with the endpoint's secrets (Standard
 * Webhooks headers, a fresh timestamp each attempt, the same `webhook-id` on every one),
 * POST it through the guarded client (credentials in the URL become basic auth), and
 * classify what happened: 2xx delivered; 429, 5xx, network errors and timeouts retried
 * (`Retry-After` honoured); 410 disables the endpoint; redirects (never followed) and
 * other statuses fail for good.
 */
import { performance } from 'node:perf_hooks';
import type { ClaimedRow } from '../outbox/queue/claim.js';
import type { HttpClient, PostResult } from './http-client.js';
import { parseRetryAfter } from './schedule.js';
import { decodeSecret } from './secret.js';
import { signatureHeader } from './sign.js';
import { checkUrl } from './ssrf.js';
import { addTraceHeaders } from './trace-headers.js';

/** A claimed delivery, with its endpoint as it is now (null once deleted). */
export interface DeliveryRow extends ClaimedRow {
  endpoint_id: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  correlation_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  /** The W3C `tracestate` of that trace (validated when queued). */
  tracestate: string | null;
  body: string;
  endpoint: {
    url: string;
    secret: string;
    previous_secrets: { secret: string; expires_at: string }[];
    enabled: boolean;
  } | null;
}

export interface AttemptOutcome {
  delivered: boolean;
  /** A failure worth retrying (network, timeout, 429, 5xx). */
  retriable: boolean;
  /** Whether a request was sent (not for a disabled endpoint or a refused URL). */
  requested: boolean;
  /** The endpoint answered 410 Gone. */
  gone: boolean;
  /** How it failed: `status`, `redirect`, `timeout`, `network`, `ssrf`, `endpoint_disabled`, `endpoint_deleted`. */
  reason?: string;
  error?: string;
  cause?: unknown;
  response?: PostResult;
  retryAfterMs?: number;
  durationMs: number;
  /** The request's client span id (the `traceparent` parent-id), with `propagateTrace` inside a wide event. */
  spanId?: string;
}

export interface AttemptSettings {
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  userAgent: string;
  /** Send `traceparent` / `tracestate` (see ./trace-headers). */
  propagateTrace: boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function failed(
  reason: string,
  error: string,
  retriable: boolean,
  started: number,
  extra: Partial<AttemptOutcome> = {},
): AttemptOutcome {
  return {
    delivered: false,
    retriable,
    requested: true,
    gone: false,
    reason,
    error,
    durationMs: performance.now() - started,
    ...extra,
  };
}

function fromResponse(response: PostResult, started: number): AttemptOutcome {
  const { status } = response;
  const durationMs = performance.now() - started;
  if (status >= 200 && status < 300) {
    return { delivered: true, retriable: false, requested: true, gone: false, response, durationMs };
  }
  const retriable = status === 429 || status >= 500;
  const retryAfterMs = retriable ? parseRetryAfter(response.headers['retry-after']) : undefined;
  if (status >= 300 && status < 400) {
    const to = response.headers.location ? ` to ${response.headers.location}` : '';
    return failed('redirect', `HTTP ${status}: redirect${to} not followed`, false, started, { response });
  }
  return failed('status', `HTTP ${status}`, retriable, started, {
    response,
    retryAfterMs,
    gone: status === 410,
  });
}

function fromError(error: unknown, timeoutMs: number, started: number): AttemptOutcome {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
  if (code === 'CANON_WEBHOOK_SSRF_BLOCKED') {
    return failed('ssrf', String(message), false, started, { cause: error, requested: false });
  }
  if (name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return failed('timeout', `timeout after ${timeoutMs} ms`, true, started, { cause: error });
  }
  return failed('network', String(message ?? error), true, started, { cause: error });
}

/**
 * @internal Makes one attempt of `row`; never throws.
 *
 * @example
 * const outcome = await attemptDelivery(client, row, { timeoutMs: 15_000, allowPrivateNetworks: false, userAgent, propagateTrace: false });
 */
export async function attemptDelivery(
  client: HttpClient,
  row: DeliveryRow,
  settings: AttemptSettings,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const { endpoint } = row;
  if (!endpoint || !endpoint.enabled) {
    const reason = endpoint ? 'endpoint_disabled' : 'endpoint_deleted';
    return {
      ...failed(
        reason,
        `endpoint ${row.endpoint_id} is ${endpoint ? 'disabled' : 'deleted'}`,
        false,
        started,
      ),
      requested: false,
    };
  }
  try {
    const url = new URL(endpoint.url);
    checkUrl(url, settings.allowPrivateNetworks);
    const now = Date.now();
    const secrets = [endpoint.secret];
    for (const previous of endpoint.previous_secrets) {
      if (Date.parse(previous.expires_at) > now) secrets.push(previous.secret);
    }
    const timestamp = Math.floor(now / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': settings.userAgent,
      'webhook-id': row.webhook_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets.map(decodeSecret), row.webhook_id, timestamp, row.body),
    };
    if (url.username || url.password) {
      // https://user:pass@host/… sends basic auth (undici alone would drop the credentials)
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const spanId = settings.propagateTrace ? addTraceHeaders(headers, row) : undefined;
    let outcome: AttemptOutcome;
    try {
      outcome = fromResponse(await client.post(url, headers, row.body, settings.timeoutMs), started);
    } catch (error) {
      outcome = fromError(error, settings.timeoutMs, started);
    }
    if (spanId !== undefined) outcome.spanId = spanId;
    return outcome;
  } catch (error) {
    return fromError(error, settings.timeoutMs, started);
  }
}

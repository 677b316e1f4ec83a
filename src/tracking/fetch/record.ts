/**
 * @module canon/tracking/fetch/record
 * Writes one outgoing HTTP call onto the wide event it was made for: `external.call_count`,
 * `total_ms`, `error_count` and a capped `calls` list of `{ host, method, status_code,
 * duration_ms, error?, span_id? }`. Only the host is kept from the URL: never its path, query
 * string or userinfo, and never a header.
 */
import { performance } from 'node:perf_hooks';
import { roundMs, type WideEvent } from '../../core/event.js';
import { pushCapped, trackingFields } from '../fields.js';
import type { ResolvedFetchOptions } from './options.js';

export interface ExternalCall {
  /** `api.example.com`, with the port when it is not the scheme's default (`127.0.0.1:8080`). */
  host: string;
  method: string;
  /** Absent when no response came back. */
  status_code?: number;
  /** Until the response headers arrived (or the call failed). */
  duration_ms: number;
  /** The failure's code or name (`ECONNREFUSED`, `AbortError`, `TimeoutError`) when no response came back. */
  error?: string;
  /**
   * The call's own span id (a client span, child of the event's `span_id`): the parent-id
   * of the `traceparent` it sent, so the callee's event has `parent_span_id` = this.
   * Absent when Canon sent no `traceparent` (`propagate` off, or the caller set its own).
   */
  span_id?: string;
}

/** The `external` field of an event. */
export interface ExternalFields {
  call_count: number;
  total_ms: number;
  /** Calls that got no response, or a 5xx one. */
  error_count: number;
  calls: ExternalCall[];
  calls_dropped?: number;
}

/** A failure's short, value-free name: `ECONNREFUSED`, `AbortError`, `TypeError`. */
export function errorName(err: unknown): string {
  const error = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | null;
  const code = error?.cause?.code ?? error?.code;
  if (typeof code === 'string') return code;
  return typeof error?.name === 'string' ? error.name : 'Error';
}

const COUNTERS = ['call_count', 'total_ms', 'error_count'] as const;

/**
 * Records a call that started at `startedAt` (`performance.now()`) as the client span
 * `spanId`, answered with `status` or failed with `error`.
 *
 * @example
 * recordCall(unit, started, 'api.example.com', 'GET', options, spanId, 200);
 * recordCall(unit, started, 'api.example.com', 'GET', options, spanId, undefined, err);
 */
export function recordCall(
  unit: WideEvent,
  startedAt: number,
  host: string,
  method: string,
  options: ResolvedFetchOptions,
  spanId: string | undefined,
  status?: number,
  error?: unknown,
): void {
  const ms = performance.now() - startedAt;
  const external = trackingFields<ExternalFields>(unit, 'external', COUNTERS, ['calls']);
  if (!external) return;
  external.call_count++;
  external.total_ms = roundMs(external.total_ms + ms);
  if (status === undefined || status >= 500) external.error_count++;
  const call: ExternalCall =
    status === undefined
      ? { host, method, duration_ms: roundMs(ms), error: errorName(error) }
      : { host, method, status_code: status, duration_ms: roundMs(ms) };
  if (spanId !== undefined) call.span_id = spanId;
  pushCapped(external, 'calls', call, options.maxCalls);
}

/**
 * @module canon/core/emitted
 * The types of the event as the pipeline hands it on: to `sample`, `sample.keep`,
 * plugins' `onFinalize` and the schema ({@link FinalizedEvent}), then to the sinks with its
 * `sample_rate` ({@link CanonEvent}). Standard fields are typed; your own are `unknown`.
 */
import type { SchemaError } from '../validate/index.js';
import type { NormalizedError } from './normalize-error.js';

/**
 * A unit's event once finalized and redacted, before sampling. Standard fields are typed
 * (docs/core.md, "Standard fields"); your own fields are `unknown`: narrow them before use.
 * Types describe what Canon writes: a standard field you overwrite with `set` or `enrich`
 * holds what you wrote.
 *
 * @example
 * const keepSlowOrFailed = (event: FinalizedEvent) =>
 *   event.status_code >= 500 || event.duration_ms > 2000 || 0.05;
 */
export interface FinalizedEvent {
  /** ISO 8601 time the unit started. */
  timestamp: string;
  /** `'http'`, `'message'`, `'job'`, or the `kind` given to `canon.run`. */
  kind: 'http' | 'message' | 'job' | (string & {});
  request_id: string;
  /** 32 lowercase hex digits. */
  trace_id: string;
  /** 16 lowercase hex digits. */
  span_id: string;
  parent_span_id?: string;
  /** The parent unit's `request_id`, for a `canon.run` inside another unit. */
  parent_request_id?: string;
  service: string;
  version?: string;
  host: string;
  /** Milliseconds, microsecond precision. */
  duration_ms: number;
  outcome: 'success' | 'error' | 'aborted';
  error?: NormalizedError;
  /** Set when the event failed the schema (`onInvalid: 'annotate'`). */
  schema_errors?: SchemaError[];
  /** HTTP only. */
  method?: string;
  /** HTTP only: the path without the query string. */
  path?: string;
  /** HTTP only: the matched pattern (`/users/:id`), when the framework knows it. */
  route?: string;
  /**
   * The HTTP response status (499 when the client went away). Typed `number` so that
   * `event.status_code >= 500` compiles: on job and message events it is absent, and a
   * comparison with `undefined` is false, which is what such a rule means there. Check
   * `event.kind === 'http'` before any other use.
   */
  status_code: number;
  /** HTTP only: the body bytes sent. */
  response_size_bytes?: number;
  /** HTTP only, when the request had the header. */
  user_agent?: string;
  /** Your fields, and those of integrations (`db`, `external`, `tenant_id`, ...). */
  [field: string]: unknown;
}

/** An event as the sinks receive it: a {@link FinalizedEvent} kept by sampling. */
export interface CanonEvent extends FinalizedEvent {
  /** 1 / the keep-probability (1 when kept outright): multiply counts by it to re-weight. */
  sample_rate: number;
}

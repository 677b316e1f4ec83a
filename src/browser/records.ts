/**
 * @module canon/browser/records
 * What `initTelemetry` sends and `canon/browser-ingest` accepts: a batch of records, one
 * per error, log line, traced fetch, navigation or vital. Field names are the wide
 * event's (snake_case). Documented in docs/browser-ingest.md.
 */

/** A field value the page attaches to its records (`fields`, `log.*`). */
export type FieldValue = string | number | boolean;

/** What every record carries. */
export interface RecordBase {
  /** When it happened, ms since the epoch (the page's clock). */
  timestamp: number;
  /** The page: origin and path, no query string or fragment. */
  url: string;
  /** The page's trace (32 hex), and the span that served the page when it said so. */
  trace_id?: string;
  parent_span_id?: string;
  /** The page's `fields` and the log call's. */
  fields?: Record<string, FieldValue>;
}

/** An uncaught error, an unhandled rejection, or `captureError(err)`. */
export interface ErrorRecord extends RecordBase {
  type: 'error' | 'rejection';
  error: { type: string; message: string; stack?: string };
  /** True for `captureError`: the page caught it. */
  handled?: boolean;
}

export interface LogRecord extends RecordBase {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A `fetch` to a `propagateTo` path, sent with `traceparent` (`span_id`) and `x-request-id`. */
export interface FetchRecord extends RecordBase {
  type: 'fetch';
  span_id: string;
  fetch: {
    method: string;
    path: string;
    /** `0` when the request failed without an answer (`error` says why). */
    status_code: number;
    duration_ms: number;
    /** The request id the server echoed (else the one sent). */
    request_id: string;
    error?: string;
  };
}

export interface NavigationRecord extends RecordBase {
  type: 'navigation';
  /** From `PerformanceNavigationTiming`, ms from the start of the navigation. */
  navigation: {
    type: string;
    ttfb_ms: number;
    dom_content_loaded_ms: number;
    load_ms: number;
    transfer_size?: number;
  };
}

/** A Core Web Vital, as the `web-vitals` package reports it. */
export interface VitalRecord extends RecordBase {
  type: 'vital';
  vital: { name: string; value: number; rating?: string; id?: string; navigation_type?: string };
}

export type BrowserRecord = ErrorRecord | LogRecord | FetchRecord | NavigationRecord | VitalRecord;

/** One request's body. */
export interface BrowserBatch {
  service: string;
  release?: string;
  /** Records this page dropped so far (queue full, or refused by the server). */
  dropped?: number;
  records: BrowserRecord[];
}

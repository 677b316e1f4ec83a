/**
 * @module canon/fetch
 * Outgoing HTTP tracking: `trackedFetch` (a drop-in `fetch`) or `installFetchTracking()`
 * (an undici interceptor on the global dispatcher, so plain `fetch` is tracked). Inside
 * a unit of work each call is recorded in the event's `external` field and the callee
 * receives `traceparent` (the call's own span id, recorded as `external.calls[i].span_id`),
 * the trace's `tracestate` and `x-request-id`, so its own Canon event joins the trace.
 */
export { installFetchTracking, isFetchTrackingInstalled } from './install.js';
export { type Dispatch, fetchTrackingInterceptor, type Interceptor } from './interceptor.js';
export type { FetchTrackingOptions } from './options.js';
export type { ExternalCall, ExternalFields } from './record.js';
export { createTrackedFetch, trackedFetch } from './tracked-fetch.js';

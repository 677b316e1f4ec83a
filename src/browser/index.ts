/**
 * @module canon/browser
 * The browser half of Canon, as one self-contained ES module (no dependencies, no Node
 * APIs): `createEventStream` (server-sent events that resume after any drop, for
 * `canon/sse`) and `initTelemetry` (the page's errors, logs, traced API calls and Web
 * Vitals, sent to `canon/browser-ingest`, each becoming a `kind: 'browser'` wide event
 * that shares its `trace_id` with the backend's).
 *
 * @example
 * import { createEventStream, initTelemetry } from 'canon/browser';
 * initTelemetry({ endpoint: '/_canon/browser', service: 'shop-web', propagateTo: ['/api'] });
 * createEventStream('/events', { types: ['order.placed'], onEvent: ({ data }) => console.log(data) });
 */
export {
  createEventStream,
  type EventStream,
  type EventStreamOptions,
  type StreamEvent,
  type StreamReset,
  type StreamStatus,
} from './event-stream.js';
export type { BrowserOptionError } from './options.js';
export type {
  BrowserBatch,
  BrowserRecord,
  ErrorRecord,
  FetchRecord,
  FieldValue,
  LogRecord,
  NavigationRecord,
  RecordBase,
  VitalRecord,
} from './records.js';
export type { TelemetryStats } from './sender.js';
export { initTelemetry, type LogFields, type Telemetry, type TelemetryOptions, type VitalMetric } from './telemetry.js';

/**
 * @module canon/events/cloudevents
 * Envelope → CloudEvents 1.0, structured mode (one JSON object) or HTTP binary mode
 * (`ce-*` headers and the data as the body). See canon/events/cloudevents-attributes
 * for the attribute mapping; `fromCloudEvent` reverses it.
 */
import { describe, invalidOption } from '../core/errors.js';
import { formatTraceparent } from '../http/traceparent.js';
import {
  CANON_EXTENSIONS,
  CORE_ATTRIBUTES,
  EXTENSION_NAME,
  encodeHeaderValue,
  JSON_TYPE,
  SPEC_VERSION,
} from './cloudevents-attributes.js';
import { assertEnvelope, type EventEnvelope, envelopeTraceIds } from './envelope.js';

/** A structured-mode CloudEvent: context attributes, extensions and `data`. */
export interface CloudEventObject {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  datacontenttype?: string;
  data?: unknown;
  [attribute: string]: unknown;
}

/** A binary-mode HTTP message: `ce-*` headers (lowercase) and the JSON body. */
export interface CloudEventMessage {
  headers: Record<string, string>;
  body: string;
}

export interface ToCloudEventOptions {
  /** `'structured'` (default) or `'binary'` (HTTP binding). */
  mode?: 'structured' | 'binary';
}

function isExtensionValue(value: unknown): value is string | boolean | number {
  return typeof value === 'string' || typeof value === 'boolean' || Number.isSafeInteger(value);
}

/** Context attributes and extensions (everything but data). */
function attributesOf(event: EventEnvelope): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {
    specversion: SPEC_VERSION,
    id: event.id,
    source: event.source,
    type: event.type,
    time: event.timestamp,
    datacontenttype: JSON_TYPE,
    eventversion: event.version,
    correlationid: event.correlation_id,
  };
  if (event.causation_id) attributes.causationid = event.causation_id;
  const { trace_id, span_id, tracestate, ...rest } = event.metadata;
  const { traceId, spanId, traceState } = envelopeTraceIds(event);
  if (traceId && spanId) {
    attributes.traceparent = formatTraceparent(traceId, spanId);
  } else {
    if (trace_id !== undefined) rest.trace_id = trace_id;
    if (span_id !== undefined) rest.span_id = span_id;
  }
  // the distributed-tracing extension's tracestate only next to its traceparent
  if (traceState !== undefined) attributes.tracestate = traceState;
  else if (tracestate !== undefined) rest.tracestate = tracestate;
  const packed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    const passthrough = key === 'subject' || key === 'dataschema';
    const extension = EXTENSION_NAME.test(key) && !CORE_ATTRIBUTES.has(key) && !CANON_EXTENSIONS.has(key);
    if ((passthrough ? typeof value === 'string' : extension) && isExtensionValue(value))
      attributes[key] = value;
    else if (value !== undefined) packed[key] = value;
  }
  if (Object.keys(packed).length > 0) attributes.canonmetadata = JSON.stringify(packed);
  return attributes;
}

/**
 * Maps an envelope to a CloudEvents 1.0 event: the structured-mode object by default,
 * or `{ headers, body }` for HTTP binary mode.
 *
 * @example
 * const ce = toCloudEvent(event);
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce) });
 * const { headers, body } = toCloudEvent(event, { mode: 'binary' });
 * await fetch(url, { method: 'POST', headers, body });
 */
export function toCloudEvent(event: EventEnvelope, options?: { mode?: 'structured' }): CloudEventObject;
export function toCloudEvent(event: EventEnvelope, options: { mode: 'binary' }): CloudEventMessage;
export function toCloudEvent(
  event: EventEnvelope,
  options: ToCloudEventOptions = {},
): CloudEventObject | CloudEventMessage {
  assertEnvelope(event, 'event');
  const mode = options?.mode ?? 'structured';
  if (mode !== 'structured' && mode !== 'binary') {
    throw invalidOption('mode', `expected 'structured' or 'binary', got ${describe(mode)}`);
  }
  const attributes = attributesOf(event);
  if (mode === 'binary') {
    const headers: Record<string, string> = { 'content-type': JSON_TYPE };
    for (const [name, value] of Object.entries(attributes)) {
      if (name !== 'datacontenttype') headers[`ce-${name}`] = encodeHeaderValue(String(value));
    }
    return { headers, body: JSON.stringify(event.data ?? null) };
  }
  return { ...attributes, data: event.data } as CloudEventObject;
}

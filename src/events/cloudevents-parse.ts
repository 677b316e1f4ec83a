/**
 * @module canon/events/cloudevents-parse
 * CloudEvents 1.0 → envelope. Accepts a structured-mode object, its JSON text (string or
 * bytes), or an HTTP message `{ headers, body }` in binary or structured mode. Foreign
 * events work too: a missing `eventversion` reads as 1, a missing `correlationid` as the
 * event's own id, a missing `time` as now; unknown extensions land in `metadata`.
 */
import { CanonError, describe, ErrorCodes } from '../core/errors.js';
import { parseTraceparent } from '../http/traceparent.js';
import {
  CORE_ATTRIBUTES,
  decodeHeaderValue,
  isJsonType,
  SPEC_VERSION,
  STRUCTURED_TYPE,
} from './cloudevents-attributes.js';
import type { EventEnvelope, EventMetadata } from './envelope.js';

function invalid(detail: string, attribute?: string): CanonError {
  return new CanonError(ErrorCodes.INVALID_CLOUDEVENT, `canon: invalid CloudEvent: ${detail}`, { attribute });
}

function text(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
}

function parseJson(source: string, what: string): unknown {
  try {
    return JSON.parse(source);
  } catch (err) {
    throw invalid(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** Binary mode: attributes from `ce-*` headers, data from the body. */
function fromBinary(headers: Record<string, unknown>, body: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  let contentType: string | undefined;
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    if (typeof value !== 'string') continue;
    if (name === 'content-type') contentType = value;
    else if (name.startsWith('ce-')) attributes[name.slice(3)] = decodeHeaderValue(value);
  }
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  const raw = text(body);
  if (raw === undefined) attributes.data = body;
  else if (isJsonType(contentType) || contentType === undefined)
    attributes.data = raw === '' ? undefined : parseJson(raw, 'the body');
  else attributes.data = raw;
  return attributes;
}

function attributesOf(input: unknown): Record<string, unknown> {
  const raw = text(input);
  if (raw !== undefined) input = parseJson(raw, 'the input');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`expected a CloudEvent object, its JSON, or { headers, body }, got ${describe(input)}`);
  }
  const message = input as Record<string, unknown>;
  if (!('specversion' in message) && message.headers !== null && typeof message.headers === 'object') {
    const headers = message.headers as Record<string, unknown>;
    const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
    if (typeof contentType === 'string' && contentType.toLowerCase().startsWith(STRUCTURED_TYPE)) {
      return attributesOf(message.body);
    }
    return fromBinary(headers, message.body);
  }
  return message;
}

function requiredString(attributes: Record<string, unknown>, name: string): string {
  const value = attributes[name];
  if (typeof value !== 'string' || value === '') {
    throw invalid(`attribute \`${name}\` must be a non-empty string, got ${describe(value)}`, name);
  }
  return value;
}

function versionOf(value: unknown): number {
  if (value === undefined) return 1;
  const version = typeof value === 'string' ? Number(value) : value;
  if (!Number.isInteger(version) || (version as number) < 1) {
    throw invalid(
      `attribute \`eventversion\` must be a positive integer, got ${describe(value)}`,
      'eventversion',
    );
  }
  return version as number;
}

function metadataOf(attributes: Record<string, unknown>): EventMetadata {
  const metadata: EventMetadata = {};
  const trace = parseTraceparent(attributes.traceparent as string | undefined);
  if (trace) {
    metadata.trace_id = trace.traceId;
    metadata.span_id = trace.parentSpanId;
  }
  if (typeof attributes.canonmetadata === 'string') {
    const packed = parseJson(attributes.canonmetadata, 'attribute `canonmetadata`');
    if (packed !== null && typeof packed === 'object') Object.assign(metadata, packed);
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (CORE_ATTRIBUTES.has(name) && name !== 'subject' && name !== 'dataschema') continue;
    if (['eventversion', 'correlationid', 'causationid', 'traceparent', 'canonmetadata'].includes(name))
      continue;
    metadata[name] = value;
  }
  return metadata;
}

/**
 * Maps a CloudEvents 1.0 event back to an envelope. Throws `CANON_INVALID_CLOUDEVENT`
 * naming the attribute when the input is not a valid CloudEvent.
 *
 * @example
 * app.post('/events', express.text({ type: '*\/*' }), (req, res) => {
 *   const event = fromCloudEvent({ headers: req.headers, body: req.body });
 *   await bus.publish(event);
 * });
 */
export function fromCloudEvent(input: unknown): EventEnvelope {
  const attributes = attributesOf(input);
  if (attributes.specversion !== SPEC_VERSION) {
    throw invalid(
      `attribute \`specversion\` must be '1.0', got ${describe(attributes.specversion)}`,
      'specversion',
    );
  }
  const id = requiredString(attributes, 'id');
  let data = attributes.data;
  if (data === undefined && typeof attributes.data_base64 === 'string')
    data = Buffer.from(attributes.data_base64, 'base64');
  const causation = attributes.causationid;
  return {
    id,
    type: requiredString(attributes, 'type'),
    version: versionOf(attributes.eventversion),
    timestamp:
      typeof attributes.time === 'string' && attributes.time !== ''
        ? attributes.time
        : new Date().toISOString(),
    source: requiredString(attributes, 'source'),
    correlation_id:
      typeof attributes.correlationid === 'string' && attributes.correlationid !== ''
        ? attributes.correlationid
        : id,
    causation_id: typeof causation === 'string' && causation !== '' ? causation : null,
    data: data ?? null,
    metadata: metadataOf(attributes),
  };
}

/**
 * @module canon/sinks/otlp/encode
 * Wide events as an OTLP/HTTP JSON logs request (`ExportLogsServiceRequest`): one log
 * record per event, grouped by resource (`service.name`, `service.version`,
 * `host.name`), with the event's fields as flattened attributes (`user.id`), its
 * `trace_id`/`span_id` as the record's `traceId`/`spanId`, and a severity from its outcome.
 */
import { type Fields, isPlainObject } from '../../core/paths.js';

/** An OTLP `AnyValue` in its JSON encoding. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

type Scalar = string | number | boolean;

/** Fields carried by the record or its resource rather than as attributes. */
const NOT_ATTRIBUTES = new Set(['timestamp', 'trace_id', 'span_id', 'service', 'version', 'host']);

function toAnyValue(value: unknown): AnyValue | undefined {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (Array.isArray(value)) {
    const values: AnyValue[] = [];
    for (const item of value) {
      const converted = toAnyValue(item);
      if (converted) values.push(converted);
    }
    return { arrayValue: { values } };
  }
  if (isPlainObject(value)) {
    const values: KeyValue[] = [];
    for (const key in value) {
      const converted = toAnyValue(value[key]);
      if (converted) values.push({ key, value: converted });
    }
    return { kvlistValue: { values } };
  }
  return undefined; // null, undefined
}

function flatten(out: KeyValue[], value: unknown, key: string): void {
  if (isPlainObject(value)) {
    for (const child in value) flatten(out, value[child], `${key}.${child}`);
    return;
  }
  const converted = toAnyValue(value);
  if (converted) out.push({ key, value: converted });
}

function severity(event: Fields): [number, string] {
  if (event.outcome === 'error') return [17, 'ERROR'];
  if (event.outcome === 'aborted') return [13, 'WARN'];
  return [9, 'INFO'];
}

function summary(event: Fields): string {
  if (event.kind === 'http') return `${event.method} ${event.route ?? event.path} ${event.status_code}`;
  return `${event.kind} ${event.outcome}`;
}

function unixNano(ms: number): string {
  return `${Math.trunc(ms)}000000`;
}

function logRecord(event: Fields, observedNano: string): Record<string, unknown> {
  const attributes: KeyValue[] = [];
  for (const key in event) if (!NOT_ATTRIBUTES.has(key)) flatten(attributes, event[key], key);
  const [severityNumber, severityText] = severity(event);
  const started = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : Number.NaN;
  const record: Record<string, unknown> = {
    timeUnixNano: Number.isNaN(started) ? observedNano : unixNano(started),
    observedTimeUnixNano: observedNano,
    severityNumber,
    severityText,
    body: { stringValue: summary(event) },
    attributes,
  };
  if (typeof event.trace_id === 'string') record.traceId = event.trace_id;
  if (typeof event.span_id === 'string') record.spanId = event.span_id;
  return record;
}

function resourceOf(event: Fields, extra: Record<string, Scalar>): KeyValue[] {
  const attributes: KeyValue[] = [];
  const add = (key: string, value: unknown) => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      attributes.push({ key, value: toAnyValue(value)! });
    }
  };
  add('service.name', event.service);
  add('service.version', event.version);
  add('host.name', event.host);
  for (const key in extra) add(key, extra[key]);
  return attributes;
}

/**
 * The OTLP/HTTP JSON body for `events`; `resource` adds resource attributes.
 *
 * @example
 * JSON.stringify(encodeLogs(events, { 'deployment.environment': 'prod' }))
 */
export function encodeLogs(events: Fields[], resource: Record<string, Scalar> = {}): Record<string, unknown> {
  const observed = unixNano(Date.now());
  const groups = new Map<string, { event: Fields; records: Record<string, unknown>[] }>();
  for (const event of events) {
    const key = `${event.service}\u0000${event.version}\u0000${event.host}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { event, records: [] }));
    group.records.push(logRecord(event, observed));
  }
  return {
    resourceLogs: [...groups.values()].map(({ event, records }) => ({
      resource: { attributes: resourceOf(event, resource) },
      scopeLogs: [{ scope: { name: 'canon' }, logRecords: records }],
    })),
  };
}

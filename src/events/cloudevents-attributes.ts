/**
 * @module canon/events/cloudevents-attributes
 * What the CloudEvents 1.0 mapping shares in both directions: attribute names, the
 * extension-name rule and the HTTP header value encoding.
 *
 * Mapping (envelope → CloudEvent): id → id, type → type, source → source,
 * timestamp → time, version → `eventversion`, correlation_id → `correlationid`,
 * causation_id → `causationid`, metadata trace_id/span_id → `traceparent` and a valid
 * metadata tracestate next to it → `tracestate` (the distributed-tracing extension), other metadata
 * entries → extensions of the same name when the name and value allow it (lowercase
 * a-z0-9, at most 20 characters; string, boolean or integer), the rest JSON-encoded in
 * `canonmetadata`, data → data with `datacontenttype: application/json`.
 */

export const SPEC_VERSION = '1.0';
export const JSON_TYPE = 'application/json';
export const STRUCTURED_TYPE = 'application/cloudevents+json';

/** CloudEvents attributes that are not extensions. */
export const CORE_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'datacontenttype',
  'dataschema',
  'subject',
  'data',
  'data_base64',
]);

/** Extensions Canon itself writes. */
export const CANON_EXTENSIONS = new Set([
  'eventversion',
  'correlationid',
  'causationid',
  'traceparent',
  'tracestate',
  'canonmetadata',
]);

/** CloudEvents attribute names: lowercase letters and digits (20 characters recommended). */
export const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

/**
 * Percent-encodes a header value as the CloudEvents HTTP binding requires (space, `"`,
 * `%` and anything outside printable ASCII, as UTF-8 bytes).
 *
 * @example
 * encodeHeaderValue('café "x"') // 'caf%C3%A9%20%22x%22'
 */
export function encodeHeaderValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Reverses {@link encodeHeaderValue}; malformed escapes are kept as they are.
 *
 * @example
 * decodeHeaderValue('caf%C3%A9') // 'café'
 */
export function decodeHeaderValue(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** True for `application/json`, `text/json` and any `+json` media type (parameters ignored). */
export function isJsonType(contentType: unknown): boolean {
  if (typeof contentType !== 'string') return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === JSON_TYPE || type === 'text/json' || type.endsWith('+json');
}

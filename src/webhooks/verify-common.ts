/**
 * @module canon/webhooks/verify-common
 * What the verifiers share: the raw body as bytes, header lookup over node and fetch
 * headers, the timestamp tolerance, constant-time comparison and the JSON payload.
 */
import { timingSafeEqual } from 'node:crypto';
import { describe, ErrorCodes, invalidOption } from '../core/errors.js';
import { refuse } from './errors.js';

/** The raw request body, exactly as received. */
export type RawBody = string | Uint8Array;

/** Node's `req.headers`, a fetch `Headers`, or any object of header names to values. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export const DEFAULT_TOLERANCE_SEC = 300;

/**
 * The raw body as a Buffer; a `TypeError` naming `body` for anything else (a parsed
 * object means a JSON body parser ran first, and the signed bytes are gone).
 *
 * @example
 * bodyBytes('{"a":1}') // <Buffer 7b ...>
 */
export function bodyBytes(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw invalidOption(
    'body',
    `expected the raw body (string, Buffer or Uint8Array), got ${describe(body)}; a JSON parser that ran before verification loses the signed bytes`,
  );
}

/**
 * One header's value, whatever the headers' shape and case; repeated headers are joined
 * with a space.
 *
 * @example
 * headerValue(req.headers, 'webhook-id')
 */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  let value = record[name];
  if (value === undefined) {
    for (const key of Object.keys(record)) if (key.toLowerCase() === name) value = record[key];
  }
  return singleHeader(value);
}

/** A signature header's value as node:http types it (`req.headers[name]`). */
export type HeaderInput = string | readonly string[] | null | undefined;

/**
 * A header value as one string: repeated headers joined with a space, like `headerValue`.
 *
 * @example
 * singleHeader(req.headers['stripe-signature'])
 */
export function singleHeader(value: HeaderInput): string | undefined {
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'string' ? value : undefined;
}

/**
 * Validates `toleranceSec` (a number > 0).
 *
 * @example
 * tolerance(undefined) // 300
 */
export function tolerance(value: unknown): number {
  if (value === undefined) return DEFAULT_TOLERANCE_SEC;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw invalidOption('toleranceSec', `expected a number of seconds > 0, got ${describe(value)}`);
  }
  return value;
}

/**
 * Parses a unix-seconds timestamp header and refuses it outside `toleranceSec` of now.
 *
 * @example
 * checkTimestamp('1700000000', 300, Date.now()) // throws STALE_TIMESTAMP today
 */
export function checkTimestamp(text: string, toleranceSec: number, nowMs: number, header: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw refuse(ErrorCodes.WEBHOOK_MISSING_HEADER, `${header} is not a unix timestamp in seconds`);
  }
  const timestamp = Number(text);
  const age = nowMs / 1000 - timestamp;
  if (age > toleranceSec) {
    throw refuse(
      ErrorCodes.WEBHOOK_STALE_TIMESTAMP,
      `signed ${Math.round(age)} s ago, more than the ${toleranceSec} s tolerance`,
    );
  }
  if (-age > toleranceSec) {
    throw refuse(
      ErrorCodes.WEBHOOK_FUTURE_TIMESTAMP,
      `signed ${Math.round(-age)} s in the future, more than the ${toleranceSec} s tolerance`,
    );
  }
  return timestamp;
}

/**
 * Compares two byte strings in constant time (lengths may differ).
 *
 * @example
 * sameBytes(expected, Buffer.from(candidate, 'base64'))
 */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The JSON payload of a verified body; code `BAD_PAYLOAD` when it is not JSON.
 *
 * @example
 * parsePayload(Buffer.from('{"type":"order.placed"}')).type // 'order.placed'
 */
export function parsePayload(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw refuse(ErrorCodes.WEBHOOK_BAD_PAYLOAD, 'the body is correctly signed but is not JSON');
  }
}

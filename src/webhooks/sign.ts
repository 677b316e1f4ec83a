/**
 * @module canon/webhooks/sign
 * Standard Webhooks signatures, with node:crypto: `v1,` + base64 of
 * HMAC-SHA256(key, `${id}.${timestamp}.${body}`); several space-separated during a
 * secret rotation.
 */
import { createHmac } from 'node:crypto';
import { decodeSecret } from './secret.js';

/**
 * The raw HMAC-SHA256 of one message (32 bytes).
 *
 * @example
 * signatureBytes(key, 'msg_1', 1700000000, '{"a":1}').toString('base64')
 */
export function signatureBytes(
  key: Buffer,
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/**
 * The `webhook-signature` header value for `keys` (the current secret first).
 *
 * @example
 * signatureHeader([decodeSecret(secret)], 'msg_1', 1700000000, body) // 'v1,K5oZ...='
 */
export function signatureHeader(
  keys: readonly Buffer[],
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): string {
  return keys.map((key) => `v1,${signatureBytes(key, id, timestamp, body).toString('base64')}`).join(' ');
}

export interface SignWebhookOptions {
  /** The message id (`webhook-id`). */
  id: string;
  /** The exact body that will be sent. */
  body: string | Uint8Array;
  /** `whsec_…` secret, or several (each signs). */
  secret: string | readonly string[];
  /** Unix seconds (default: now). */
  timestamp?: number;
}

/**
 * The Standard Webhooks headers for a message: send them with the body to a receiver
 * (tests of your own receiver, a sender of your own).
 *
 * @example
 * const body = JSON.stringify({ type: 'order.placed', data: { id: 'o_1' } });
 * const headers = signWebhook({ id: 'msg_1', body, secret: process.env.WEBHOOK_SECRET });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
export function signWebhook(options: SignWebhookOptions): {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
} {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  return {
    'webhook-id': options.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(secrets.map(decodeSecret), options.id, timestamp, options.body),
  };
}

/**
 * @module canon/webhooks/secret
 * Standard Webhooks secrets: `whsec_` followed by the base64 of the HMAC key. Canon
 * generates 32 random bytes; secrets given by users must decode to 24 to 64 bytes.
 */
import { randomBytes } from 'node:crypto';
import { describe, ErrorCodes } from '../core/errors.js';
import { refuse } from './errors.js';

export const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/**
 * The HMAC key of a Standard Webhooks secret (`whsec_<base64>`, the prefix optional).
 * Throws a `WebhookVerificationError` with code `BAD_SECRET` when it is not base64 or empty.
 *
 * @example
 * decodeSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').length // 24
 */
export function decodeSecret(secret: unknown): Buffer {
  const text = typeof secret === 'string' && secret.startsWith(SECRET_PREFIX) ? secret.slice(6) : secret;
  if (typeof text !== 'string' || text === '' || !BASE64.test(text)) {
    throw refuse(
      ErrorCodes.WEBHOOK_BAD_SECRET,
      `expected a secret like "whsec_" + base64, got ${typeof secret === 'string' ? 'a malformed string' : describe(secret)}`,
    );
  }
  return Buffer.from(text, 'base64');
}

/**
 * Checks a secret given for an endpoint: a `whsec_` secret whose key has 24 to 64 bytes.
 * Returns the problem, or undefined when it is fine.
 *
 * @example
 * secretProblem('whsec_abc') // 'its key has 2 bytes; use 24 to 64'
 */
export function secretProblem(secret: unknown): string | undefined {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) {
    return `expected "whsec_" + base64 of 24 to 64 random bytes, got ${typeof secret === 'string' ? 'a string without the whsec_ prefix' : describe(secret)}`;
  }
  let key: Buffer;
  try {
    key = decodeSecret(secret);
  } catch {
    return 'the part after whsec_ is not base64';
  }
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    return `its key has ${key.length} bytes; use ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}`;
  }
  return undefined;
}

/**
 * A new secret: `whsec_` + base64 of 32 random bytes.
 *
 * @example
 * generateSecret() // 'whsec_3q2+7w...'
 */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

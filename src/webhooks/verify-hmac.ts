/**
 * @module canon/webhooks/verify-hmac
 * `verifyHmac`: a generic HMAC signature over the raw body, GitHub style
 * (`x-hub-signature-256: sha256=<hex>`) by default; algorithm, encoding and prefix
 * configurable. No timestamp: pair it with a replay store.
 */
import { createHmac, getHashes } from 'node:crypto';
import { describe, ErrorCodes, invalidOption } from '../core/errors.js';
import { refuse } from './errors.js';
import { bodyBytes, type HeaderInput, type RawBody, sameBytes, singleHeader } from './verify-common.js';

export interface VerifyHmacOptions {
  /** The raw body bytes, as received. */
  body: RawBody;
  /** The shared secret (used as the HMAC key as is). */
  secret: string | Uint8Array;
  /** The signature header's value, e.g. `req.headers['x-hub-signature-256']`. */
  signature: HeaderInput;
  /** Hash (default `'sha256'`): any node:crypto hash name. */
  algorithm?: string;
  /** How the digest is written (default `'hex'`). */
  encoding?: 'hex' | 'base64' | 'base64url';
  /** Text before the digest (default `'sha256='`; `''` for none). */
  prefix?: string;
}

const ENCODINGS = new Set(['hex', 'base64', 'base64url']);
let hashes: Set<string> | undefined;

/** The digest settings of {@link VerifyHmacOptions}. */
export type HmacDigestOptions = Pick<VerifyHmacOptions, 'algorithm' | 'encoding' | 'prefix'>;

/** @internal Validates the digest settings (a `TypeError` naming the option) and fills defaults. */
export function resolveHmacDigest(options: HmacDigestOptions, at = ''): Required<HmacDigestOptions> {
  const { algorithm = 'sha256', encoding = 'hex', prefix = 'sha256=' } = options;
  hashes ??= new Set(getHashes().map((name) => name.toLowerCase()));
  if (typeof algorithm !== 'string' || !hashes.has(algorithm.toLowerCase())) {
    throw invalidOption(
      `${at}algorithm`,
      `expected a node:crypto hash such as 'sha256', got ${describe(algorithm)}`,
    );
  }
  if (!ENCODINGS.has(encoding)) {
    throw invalidOption(
      `${at}encoding`,
      `expected 'hex', 'base64' or 'base64url', got ${describe(encoding)}`,
    );
  }
  if (typeof prefix !== 'string')
    throw invalidOption(`${at}prefix`, `expected a string, got ${describe(prefix)}`);
  return { algorithm, encoding, prefix };
}

/**
 * Verifies an HMAC signature over the raw body; returns `true` or throws a
 * `WebhookVerificationError` (`MISSING_HEADER`, `BAD_SIGNATURE`, `BAD_SECRET`). Constant time.
 *
 * @example
 * verifyHmac({ body: req.body, secret: process.env.GITHUB_WEBHOOK_SECRET!, signature: req.headers['x-hub-signature-256'] });
 */
export function verifyHmac(options: VerifyHmacOptions): true {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', `expected { body, secret, signature }, got ${describe(options)}`);
  }
  const { algorithm, encoding, prefix } = resolveHmacDigest(options);
  const { secret } = options;
  const signature = singleHeader(options.signature);
  const validSecret =
    typeof secret === 'string' ? secret !== '' : secret instanceof Uint8Array && secret.length > 0;
  if (!validSecret) throw refuse(ErrorCodes.WEBHOOK_BAD_SECRET, 'expected a non-empty secret');
  const body = bodyBytes(options.body);
  if (signature === undefined || signature === '') {
    throw refuse(ErrorCodes.WEBHOOK_MISSING_HEADER, 'no signature header');
  }
  if (!signature.startsWith(prefix)) {
    throw refuse(
      ErrorCodes.WEBHOOK_BAD_SIGNATURE,
      `the signature does not start with ${JSON.stringify(prefix)}`,
    );
  }
  const expected = createHmac(algorithm, secret).update(body).digest();
  if (!sameBytes(expected, Buffer.from(signature.slice(prefix.length), encoding))) {
    throw refuse(
      ErrorCodes.WEBHOOK_BAD_SIGNATURE,
      'the signature does not match the body (tampered body or wrong secret)',
    );
  }
  return true;
}

/**
 * @module canon/webhooks/verify
 * `verifyWebhook`: verifies a Standard Webhooks (and Svix) request over its raw body:
 * `webhook-id`, `webhook-timestamp` within the tolerance, and at least one `v1,`
 * signature of `webhook-signature` made with the secret (or one of several secrets).
 */
import { describe, ErrorCodes, invalidOption } from '../core/errors.js';
import { refuse } from './errors.js';
import { decodeSecret } from './secret.js';
import { signatureBytes } from './sign.js';
import {
  bodyBytes,
  checkTimestamp,
  headerValue,
  parsePayload,
  type RawBody,
  sameBytes,
  tolerance,
  type WebhookHeaders,
} from './verify-common.js';

export interface VerifyWebhookOptions {
  /** The raw body bytes, as received (never a re-serialized object). */
  body: RawBody;
  /** The request headers: node's `req.headers` or a fetch `Headers`. */
  headers: WebhookHeaders;
  /** `whsec_…` secret, or several (accepted when any matches, e.g. while rotating). */
  secret: string | readonly string[];
  /** Accepted clock difference, in seconds, both ways (default 300). */
  toleranceSec?: number;
}

/** A verified request: its signing headers and raw body. */
export interface VerifiedStandard {
  id: string;
  timestamp: number;
  body: Buffer;
}

function required(headers: WebhookHeaders, name: string): string {
  const value = headerValue(headers, `webhook-${name}`) ?? headerValue(headers, `svix-${name}`);
  if (!value) throw refuse(ErrorCodes.WEBHOOK_MISSING_HEADER, `no webhook-${name} header`);
  return value;
}

/** @internal Verifies and returns the signing headers, leaving the body unparsed. */
export function verifyStandard(options: VerifyWebhookOptions, nowMs = Date.now()): VerifiedStandard {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', `expected { body, headers, secret }, got ${describe(options)}`);
  }
  const toleranceSec = tolerance(options.toleranceSec);
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  const keys = secrets.map(decodeSecret);
  if (keys.length === 0) throw refuse(ErrorCodes.WEBHOOK_BAD_SECRET, 'no secret given');
  const body = bodyBytes(options.body);
  const id = required(options.headers, 'id');
  const timestampText = required(options.headers, 'timestamp');
  const signatures = required(options.headers, 'signature');
  const timestamp = checkTimestamp(timestampText, toleranceSec, nowMs, 'webhook-timestamp');
  const candidates: Buffer[] = [];
  for (const versioned of signatures.split(' ')) {
    const comma = versioned.indexOf(',');
    if (comma > 0 && versioned.slice(0, comma) === 'v1') {
      candidates.push(Buffer.from(versioned.slice(comma + 1), 'base64'));
    }
  }
  for (const key of keys) {
    const expected = signatureBytes(key, id, timestamp, body);
    if (candidates.some((candidate) => sameBytes(expected, candidate))) return { id, timestamp, body };
  }
  throw refuse(
    ErrorCodes.WEBHOOK_BAD_SIGNATURE,
    candidates.length === 0
      ? 'webhook-signature has no v1 signature'
      : 'no v1 signature matches the body (tampered body or wrong secret)',
  );
}

/**
 * Verifies a Standard Webhooks request and returns its parsed JSON payload. Throws a
 * `WebhookVerificationError` (`MISSING_HEADER`, `BAD_SIGNATURE`, `STALE_TIMESTAMP`,
 * `FUTURE_TIMESTAMP`, `BAD_SECRET`, `BAD_PAYLOAD`). Signatures are compared in
 * constant time. `svix-*` headers are accepted too.
 *
 * @example
 * app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyWebhook({ body: req.body, headers: req.headers, secret: process.env.WEBHOOK_SECRET });
 *   res.sendStatus(204);
 * });
 */
export function verifyWebhook(options: VerifyWebhookOptions): unknown {
  return parsePayload(verifyStandard(options).body);
}

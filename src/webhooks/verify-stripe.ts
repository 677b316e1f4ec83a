/**
 * @module canon/webhooks/verify-stripe
 * `verifyStripe`: verifies a Stripe `stripe-signature` header (`t=<unix>,v1=<hex>,…`):
 * HMAC-SHA256 keyed by the endpoint secret (the whole `whsec_…` string, as Stripe does)
 * over `${t}.${body}`, any of several `v1` signatures, `t` within the tolerance.
 */
import { createHmac } from 'node:crypto';
import { ErrorCodes } from '../core/errors.js';
import { refuse } from './errors.js';
import {
  bodyBytes,
  checkTimestamp,
  type HeaderInput,
  parsePayload,
  type RawBody,
  sameBytes,
  singleHeader,
  tolerance,
} from './verify-common.js';

export interface VerifyStripeOptions {
  /** Accepted clock difference, in seconds, both ways (default 300, Stripe's own). */
  toleranceSec?: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** @internal Verifies and returns the signed timestamp and the raw body. */
export function verifyStripeSignature(
  body: RawBody,
  header: HeaderInput,
  secret: string,
  options: VerifyStripeOptions = {},
  nowMs = Date.now(),
): { timestamp: number; body: Buffer } {
  const toleranceSec = tolerance(options?.toleranceSec);
  if (typeof secret !== 'string' || secret.trim() === '' || /\s/.test(secret)) {
    throw refuse(ErrorCodes.WEBHOOK_BAD_SECRET, 'expected the endpoint secret (whsec_…) without whitespace');
  }
  const bytes = bodyBytes(body);
  const signatures = singleHeader(header);
  if (signatures === undefined || signatures === '') {
    throw refuse(ErrorCodes.WEBHOOK_MISSING_HEADER, 'no stripe-signature header');
  }
  let timestampText: string | undefined;
  const candidates: Buffer[] = [];
  for (const item of signatures.split(',')) {
    const equals = item.indexOf('=');
    const key = item.slice(0, equals).trim();
    const value = item.slice(equals + 1).trim();
    if (key === 't') timestampText = value;
    else if (key === 'v1' && HEX_SHA256.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (timestampText === undefined) {
    throw refuse(ErrorCodes.WEBHOOK_MISSING_HEADER, 'stripe-signature has no t= timestamp');
  }
  const timestamp = checkTimestamp(timestampText, toleranceSec, nowMs, 'stripe-signature t=');
  const expected = createHmac('sha256', secret).update(`${timestampText}.`).update(bytes).digest();
  if (!candidates.some((candidate) => sameBytes(expected, candidate))) {
    throw refuse(
      ErrorCodes.WEBHOOK_BAD_SIGNATURE,
      candidates.length === 0
        ? 'stripe-signature has no v1 signature'
        : 'no v1 signature matches the body (tampered body or wrong secret)',
    );
  }
  return { timestamp, body: bytes };
}

/**
 * Verifies a Stripe webhook and returns the parsed event. Throws a
 * `WebhookVerificationError` (`MISSING_HEADER`, `BAD_SIGNATURE`, `STALE_TIMESTAMP`,
 * `FUTURE_TIMESTAMP`, `BAD_SECRET`, `BAD_PAYLOAD`); compares in constant time.
 *
 * @example
 * app.post('/stripe', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyStripe(req.body, req.headers['stripe-signature'], process.env.STRIPE_WEBHOOK_SECRET!);
 *   res.sendStatus(200);
 * });
 */
export function verifyStripe(
  body: RawBody,
  header: HeaderInput,
  secret: string,
  options?: VerifyStripeOptions,
): unknown {
  return parsePayload(verifyStripeSignature(body, header, secret, options).body);
}
